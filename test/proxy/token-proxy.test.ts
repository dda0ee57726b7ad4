import http from "node:http";
import { createHash } from "node:crypto";
import { startTikTokEmulator, TikTokEmulator } from "../support/tiktok-emulator";
import { AdapterName, basic, form, ProxyAnswer, ProxyCall, RunningProxy, startProxy } from "../support/proxy-harness";

// Deliberately awkward: Basic auth must form-encode it (RFC 6749 §2.3.1), bodies must carry it intact.
const CLIENT_KEY = "awk3y:client";
const CLIENT_SECRET = "s3cr:t+/%!value";
const REDIRECT_URI = "https://tenant.example.auth0.com/login/callback";
const SHARED_SECRET = "a-shared-secret-of-forty-characters-0123";
// Mid-rotation, the deployed proxy accepts both of the stack's secret slots.
const SLOT_A = "SlotASecret0123456789abcdefghijklmnopqrstuvwxyzAB";
const SLOT_B = "SlotBSecret0123456789abcdefghijklmnopqrstuvwxyzAB";
const ADAPTERS: AdapterName[] = ["lambda", "local server"];

let tiktok: TikTokEmulator;
let open: RunningProxy; // no client key pinned, no shared secret: the `npm start` defaults
let locked: RunningProxy; // what the Pulumi stack deploys
let impatient: RunningProxy; // a 200 ms upstream deadline
let rotating: RunningProxy; // two accepted secrets, as the stack deploys its two slots

beforeAll(async () => {
  tiktok = await startTikTokEmulator({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
  });
  open = await startProxy({ TIKTOK_TOKEN_URL: tiktok.tokenUrl });
  locked = await startProxy({
    TIKTOK_TOKEN_URL: tiktok.tokenUrl,
    TIKTOK_CLIENT_KEY: CLIENT_KEY,
    PROXY_SHARED_SECRET: SHARED_SECRET,
  });
  impatient = await startProxy({ TIKTOK_TOKEN_URL: tiktok.tokenUrl, TIKTOK_TIMEOUT_MS: "200" });
  rotating = await startProxy({
    TIKTOK_TOKEN_URL: tiktok.tokenUrl,
    TIKTOK_CLIENT_KEY: CLIENT_KEY,
    PROXY_SHARED_SECRET: `${SLOT_A},${SLOT_B}`,
  });
});

afterAll(async () => {
  await Promise.all([open?.close(), locked?.close(), impatient?.close(), rotating?.close()]);
  await tiktok?.close();
});

afterEach(() => tiktok.setTokenFault({ kind: "none" }));

const FORM_TYPE = { "content-type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "content-type": "application/json" };

function codeExchange(code: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_KEY,
    client_secret: CLIENT_SECRET,
    ...extra,
  };
}

const postForm = (fields: Record<string, string>, headers: Record<string, string> = {}): ProxyCall => ({
  headers: { ...FORM_TYPE, ...headers },
  body: form(fields),
});

function expectOAuthError(answer: ProxyAnswer, status: number, error: string): void {
  expect({ status: answer.status, error: answer.json.error }).toEqual({ status, error });
  expect(typeof answer.json.error_description).toBe("string");
  expect(Object.keys(answer.json).sort()).toEqual(["error", "error_description"]);
}

function expectNoStoreJson(answer: ProxyAnswer): void {
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  expect(answer.headers["cache-control"]).toBe("no-store");
  expect(answer.headers["pragma"]).toBe("no-cache");
}

describe.each(ADAPTERS)("through the %s adapter", (adapter) => {
  describe("successful exchanges", () => {
    it("exchanges a code for TikTok's token fields, renaming client_id to client_key", async () => {
      const code = tiktok.issueCode({ scopes: ["user.info.basic", "user.info.profile"] });
      const before = tiktok.tokenRequests.length;

      const answer = await open.send(adapter, postForm(codeExchange(code)));

      expect(answer.status).toBe(200);
      expectNoStoreJson(answer);
      expect(answer.json).toEqual({
        access_token: expect.any(String),
        token_type: "Bearer",
        expires_in: 86400,
        refresh_token: expect.any(String),
        refresh_expires_in: 31536000,
        scope: "user.info.basic,user.info.profile",
        open_id: tiktok.user.open_id,
      });
      expect(tiktok.tokenRequests.slice(before)).toEqual([
        {
          client_key: CLIENT_KEY,
          client_secret: CLIENT_SECRET,
          grant_type: "authorization_code",
          code,
          redirect_uri: REDIRECT_URI,
        },
      ]);
    });

    it("delivers a code containing * and ! to TikTok exactly once decoded", async () => {
      const code = tiktok.issueCode();
      expect(code).toMatch(/\*/);
      expect(code).toMatch(/!/);
      // Sent with every reserved character percent-encoded, the way a strict client would.
      const body = Object.entries(codeExchange(code))
        .map(
          ([k, v]) =>
            `${k}=${v.replace(/[^A-Za-z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)}`,
        )
        .join("&");

      const answer = await open.send(adapter, { headers: FORM_TYPE, body });

      expect(answer.status).toBe(200);
      expect(tiktok.tokenRequests.at(-1)?.code).toBe(code);
    });

    it("accepts a JSON body", async () => {
      const answer = await open.send(adapter, {
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify(codeExchange(tiktok.issueCode())),
      });
      expect(answer.status).toBe(200);
      expect(typeof answer.json.access_token).toBe("string");
    });

    it("accepts a JSON body whose values and nested objects repeat a parameter's name", async () => {
      const code = tiktok.issueCode();
      const fields = JSON.stringify(codeExchange(code)).slice(1, -1);
      // Only the top-level object's own names count; a name inside a value or a nested object is not a parameter.
      const note = JSON.stringify('\\", "code": "x", {');
      const body = `{ "note" : ${note}, "extra": {"code": 1, "code": [{"code": "}"}]}, ${fields} }`;
      expect(JSON.parse(body)).toMatchObject({ code, note: '\\", "code": "x", {', extra: { code: [{ code: "}" }] } });

      const answer = await open.send(adapter, { headers: { "content-type": "application/json" }, body });

      expect(answer.status).toBe(200);
      expect(tiktok.tokenRequests.at(-1)?.code).toBe(code);
    });

    it("accepts HTTP Basic client authentication with RFC 6749 form-encoded credentials", async () => {
      const { client_id, client_secret, ...rest } = codeExchange(tiktok.issueCode());
      const answer = await open.send(adapter, postForm(rest, { authorization: basic(client_id, client_secret) }));
      expect(answer.status).toBe(200);
      expect(tiktok.tokenRequests.at(-1)).toMatchObject({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET });
    });

    it("forwards code_verifier when the client sends one", async () => {
      const verifier = "v".repeat(20) + "-._~0123456789abcdefghijklmnop";
      const code = tiktok.issueCode({ codeChallenge: createHash("sha256").update(verifier).digest("hex") });
      const answer = await open.send(adapter, postForm(codeExchange(code, { code_verifier: verifier })));
      expect(answer.status).toBe(200);
      expect(tiktok.tokenRequests.at(-1)?.code_verifier).toBe(verifier);
    });

    it("refreshes a token, and the rotated-out refresh token then fails with invalid_grant", async () => {
      const first = await open.send(adapter, postForm(codeExchange(tiktok.issueCode())));
      const oldRefresh = String(first.json.refresh_token);
      const refresh = (token: string) =>
        postForm({
          grant_type: "refresh_token",
          refresh_token: token,
          client_id: CLIENT_KEY,
          client_secret: CLIENT_SECRET,
        });

      const rotated = await open.send(adapter, refresh(oldRefresh));
      expect(rotated.status).toBe(200);
      expect(rotated.json.refresh_token).not.toBe(oldRefresh);
      expect(tiktok.tokenRequests.at(-1)).toEqual({
        client_key: CLIENT_KEY,
        client_secret: CLIENT_SECRET,
        grant_type: "refresh_token",
        refresh_token: oldRefresh,
      });

      expectOAuthError(await open.send(adapter, refresh(oldRefresh)), 400, "invalid_grant");
    });

    it("serves the pinned client key when the shared secret header matches", async () => {
      const answer = await locked.send(
        adapter,
        postForm(codeExchange(tiktok.issueCode()), { "x-proxy-secret": SHARED_SECRET }),
      );
      expect(answer.status).toBe(200);
    });

    it.each([
      ["the first", SLOT_A],
      ["the second", SLOT_B],
    ])("serves a request carrying %s of two accepted shared secrets", async (_label, secret) => {
      const before = tiktok.tokenRequests.length;
      const answer = await rotating.send(
        adapter,
        postForm(codeExchange(tiktok.issueCode()), { "x-proxy-secret": secret }),
      );
      expect(answer.status).toBe(200);
      expect(tiktok.tokenRequests.length).toBe(before + 1);
    });

    if (adapter === "lambda") {
      it("decodes a base64-encoded Lambda body", async () => {
        const answer = await open.send(adapter, { ...postForm(codeExchange(tiktok.issueCode())), base64: true });
        expect(answer.status).toBe(200);
      });
    }
  });

  describe("TikTok's errors, reported with HTTP 200, become RFC 6749 errors", () => {
    it("answers 400 invalid_grant for a code used twice", async () => {
      const code = tiktok.issueCode();
      expect((await open.send(adapter, postForm(codeExchange(code)))).status).toBe(200);
      const again = await open.send(adapter, postForm(codeExchange(code)));
      expectOAuthError(again, 400, "invalid_grant");
      expectNoStoreJson(again);
    });

    it("answers 401 invalid_client for a wrong client secret", async () => {
      const answer = await open.send(
        adapter,
        postForm(codeExchange(tiktok.issueCode(), { client_secret: "wrong-secret" })),
      );
      expectOAuthError(answer, 401, "invalid_client");
    });

    it("answers 400 invalid_grant for a redirect_uri other than the code's", async () => {
      const answer = await open.send(
        adapter,
        postForm(codeExchange(tiktok.issueCode(), { redirect_uri: "https://elsewhere.example.com/callback" })),
      );
      expectOAuthError(answer, 400, "invalid_grant");
    });
  });

  describe("upstream failures", () => {
    it.each([
      ["HTTP 500", { kind: "http_500" } as const],
      ["a connection reset", { kind: "reset" } as const],
      ["an HTML body", { kind: "html" } as const],
    ])("answers 502 temporarily_unavailable for %s", async (_label, fault) => {
      tiktok.setTokenFault(fault);
      const answer = await open.send(adapter, postForm(codeExchange(tiktok.issueCode())));
      expectOAuthError(answer, 502, "temporarily_unavailable");
      expectNoStoreJson(answer);
    });

    it("answers 504 when TikTok misses the deadline", async () => {
      tiktok.setTokenFault({ kind: "slow", delayMs: 1000 });
      const answer = await impatient.send(adapter, postForm(codeExchange(tiktok.issueCode())));
      expectOAuthError(answer, 504, "temporarily_unavailable");
    });

    it("answers 502 when TikTok cannot be reached at all", async () => {
      const unreachable = await startProxy({ TIKTOK_TOKEN_URL: "http://127.0.0.1:9/v2/oauth/token/" });
      try {
        expectOAuthError(
          await unreachable.send(adapter, postForm(codeExchange("abc"))),
          502,
          "temporarily_unavailable",
        );
      } finally {
        await unreachable.close();
      }
    });
  });

  describe("requests refused before reaching TikTok", () => {
    const valid = () => codeExchange("code*with!marks");
    const cases: Array<[string, () => ProxyCall, number, string]> = [
      ["an unknown grant_type", () => postForm({ ...valid(), grant_type: "password" }), 400, "unsupported_grant_type"],
      ["a missing grant_type", () => postForm({ ...valid(), grant_type: "" }), 400, "invalid_request"],
      ["a missing code", () => postForm({ ...valid(), code: "" }), 400, "invalid_request"],
      ["a missing redirect_uri", () => postForm({ ...valid(), redirect_uri: "" }), 400, "invalid_request"],
      [
        "a relative redirect_uri",
        () => postForm({ ...valid(), redirect_uri: "/login/callback" }),
        400,
        "invalid_request",
      ],
      ["a code with a control character", () => postForm({ ...valid(), code: "abc\ndef" }), 400, "invalid_request"],
      ["a malformed code_verifier", () => postForm({ ...valid(), code_verifier: "short" }), 400, "invalid_request"],
      [
        "a refresh without refresh_token",
        () => postForm({ grant_type: "refresh_token", client_id: CLIENT_KEY, client_secret: CLIENT_SECRET }),
        400,
        "invalid_request",
      ],
      [
        "no client credentials",
        () => postForm({ grant_type: "authorization_code", code: "c", redirect_uri: REDIRECT_URI }),
        401,
        "invalid_client",
      ],
      ["a client_id with an empty secret", () => postForm({ ...valid(), client_secret: "" }), 401, "invalid_client"],
      [
        "credentials both in the body and as Basic",
        () => postForm(valid(), { authorization: basic(CLIENT_KEY, CLIENT_SECRET) }),
        400,
        "invalid_request",
      ],
      [
        "a malformed Basic header",
        () =>
          postForm(
            { grant_type: "authorization_code", code: "c", redirect_uri: REDIRECT_URI },
            { authorization: "Basic !!!" },
          ),
        401,
        "invalid_client",
      ],
      [
        "a Bearer Authorization header",
        () =>
          postForm(
            { grant_type: "authorization_code", code: "c", redirect_uri: REDIRECT_URI },
            { authorization: "Bearer abc" },
          ),
        401,
        "invalid_client",
      ],
      [
        "a repeated parameter",
        () => ({ headers: FORM_TYPE, body: `${form(valid())}&code=second` }),
        400,
        "invalid_request",
      ],
      [
        "a repeated parameter in a JSON body",
        () => ({ headers: JSON_TYPE, body: `${JSON.stringify(valid()).slice(0, -1)},"code":"second"}` }),
        400,
        "invalid_request",
      ],
      [
        "a JSON body that repeats a parameter under an escaped name",
        () => ({ headers: JSON_TYPE, body: `${JSON.stringify(valid()).slice(0, -1)},"c\\u006fde":"second"}` }),
        400,
        "invalid_request",
      ],
      [
        "a redirect_uri with an empty fragment",
        () => postForm({ ...valid(), redirect_uri: `${REDIRECT_URI}#` }),
        400,
        "invalid_request",
      ],
      [
        "malformed percent-encoding",
        () => ({ headers: FORM_TYPE, body: `${form(valid())}&x=%E0%A4%A` }),
        400,
        "invalid_request",
      ],
      [
        "a body that is not UTF-8",
        () => ({ headers: FORM_TYPE, body: Buffer.concat([Buffer.from(form(valid())), Buffer.from([0xff, 0xfe])]) }),
        400,
        "invalid_request",
      ],
      [
        "an unsupported Content-Type",
        () => ({ headers: { "content-type": "text/plain" }, body: form(valid()) }),
        400,
        "invalid_request",
      ],
      ["no Content-Type", () => ({ body: form(valid()) }), 400, "invalid_request"],
      [
        "invalid JSON",
        () => ({ headers: { "content-type": "application/json" }, body: "{not json" }),
        400,
        "invalid_request",
      ],
      ["a JSON array", () => ({ headers: { "content-type": "application/json" }, body: "[]" }), 400, "invalid_request"],
      [
        "a JSON number where a string belongs",
        () => ({ headers: { "content-type": "application/json" }, body: JSON.stringify({ ...valid(), code: 12345 }) }),
        400,
        "invalid_request",
      ],
      ["a body over 16 KiB", () => postForm({ ...valid(), padding: "x".repeat(16 * 1024) }), 413, "invalid_request"],
    ];

    it.each(cases)("answers %s with its RFC 6749 error and never calls TikTok", async (_label, call, status, error) => {
      const before = tiktok.tokenRequests.length;
      expectOAuthError(await open.send(adapter, call()), status, error);
      expect(tiktok.tokenRequests.length).toBe(before);
    });

    it.each([
      ["a missing x-proxy-secret header", {}],
      ["a wrong x-proxy-secret header", { "x-proxy-secret": `${SHARED_SECRET}x` }],
    ])("answers %s with 401 and never calls TikTok", async (_label, headers) => {
      const before = tiktok.tokenRequests.length;
      expectOAuthError(await locked.send(adapter, postForm(valid(), headers)), 401, "invalid_client");
      expect(tiktok.tokenRequests.length).toBe(before);
    });

    it.each([
      ["a third value", "SlotCSecret0123456789abcdefghijklmnopqrstuvwxyzAB"],
      ["the old single secret", SHARED_SECRET],
      ["both accepted values joined, as in PROXY_SHARED_SECRET", `${SLOT_A},${SLOT_B}`],
      ["an accepted value with a character added", `${SLOT_B}x`],
      ["an accepted value missing its last character", SLOT_A.slice(0, -1)],
    ])(
      "answers x-proxy-secret with %s, where two secrets are accepted, with 401 and never calls TikTok",
      async (_label, secret) => {
        const before = tiktok.tokenRequests.length;
        const answer = await rotating.send(
          adapter,
          postForm(codeExchange(tiktok.issueCode()), { "x-proxy-secret": secret }),
        );
        expectOAuthError(answer, 401, "invalid_client");
        expect(answer.text).not.toContain(SLOT_A);
        expect(answer.text).not.toContain(SLOT_B);
        expect(tiktok.tokenRequests.length).toBe(before);
      },
    );

    it("answers a missing x-proxy-secret, where two secrets are accepted, with 401 and never calls TikTok", async () => {
      const before = tiktok.tokenRequests.length;
      expectOAuthError(await rotating.send(adapter, postForm(codeExchange(tiktok.issueCode()))), 401, "invalid_client");
      expect(tiktok.tokenRequests.length).toBe(before);
    });

    it("answers a client id other than the pinned key with 401 invalid_client, never forwarded", async () => {
      const before = tiktok.tokenRequests.length;
      const answer = await locked.send(
        adapter,
        postForm({ ...valid(), client_id: "someone-else" }, { "x-proxy-secret": SHARED_SECRET }),
      );
      expectOAuthError(answer, 401, "invalid_client");
      expect(tiktok.tokenRequests.length).toBe(before);
    });

    it("answers 405 with Allow: POST for another method on the token path", async () => {
      const answer = await open.send(adapter, { method: "GET" });
      expectOAuthError(answer, 405, "invalid_request");
      expect(answer.headers["allow"]).toBe("POST");
    });

    it("answers 404 for any other path", async () => {
      expectOAuthError(
        await open.send(adapter, { path: "/oauth/token", ...postForm(valid()) }),
        404,
        "invalid_request",
      );
    });
  });
});

describe("logging", () => {
  it("writes one line per request, with no secret, code or token in any of them", () => {
    const proxies = [open, locked, impatient, rotating];
    const requests = proxies.reduce((n, proxy) => n + proxy.logs.length, 0);
    expect(requests).toBeGreaterThan(40);
    const lines = proxies.flatMap((proxy) => proxy.logs.map((entry) => JSON.stringify(entry)));
    const forwarded = tiktok.tokenRequests.flatMap((fields) => [
      fields.code,
      fields.refresh_token,
      fields.code_verifier,
    ]);
    const secrets = [
      CLIENT_SECRET,
      SHARED_SECRET,
      SLOT_A,
      SLOT_B,
      ...forwarded.filter((value): value is string => Boolean(value)),
    ];
    for (const line of lines) {
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
  });

  it("records outcome, grant type, upstream status and duration", () => {
    const success = open.logs.find((entry) => entry.outcome === "ok");
    expect(success).toEqual({
      msg: "token_request",
      outcome: "ok",
      status: 200,
      grant_type: "authorization_code",
      upstream_status: 200,
      duration_ms: expect.any(Number),
    });
  });

  it("records TikTok's log_id and the error code for a TikTok error", () => {
    const failure = open.logs.find((entry) => entry.outcome === "tiktok_error");
    expect(failure).toEqual({
      msg: "token_request",
      outcome: "tiktok_error",
      status: expect.any(Number),
      error: expect.stringMatching(/^invalid_/),
      grant_type: expect.any(String),
      upstream_status: 200,
      tiktok_log_id: expect.stringMatching(/^[0-9a-f]+$/),
      duration_ms: expect.any(Number),
    });
  });
});

describe("the local server", () => {
  it("answers 413 to a chunked body over 16 KiB, without waiting for all of it", async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${open.serverUrl}/proxy/token`, { method: "POST", headers: FORM_TYPE, agent: false });
      req.on("error", reject);
      req.on("response", (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      // Chunked, so only the bytes themselves can tell the server the body is too large.
      req.write("x".repeat(10 * 1024));
      req.write("x".repeat(10 * 1024));
      // Never ended: a server that waited for the whole body would hang this test.
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ error: "invalid_request" });
  });
});
