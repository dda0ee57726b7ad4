import { createHash } from "node:crypto";
import { request } from "node:http";
import { startTikTokEmulator, type TikTokEmulator, type TikTokScope } from "./tiktok-emulator";

const CLIENT = { clientKey: "awtestclientkey", clientSecret: "test-secret" };
const REDIRECT_URI = "https://tenant.example.com/login/callback";

let tiktok: TikTokEmulator;
beforeEach(async () => {
  tiktok = await startTikTokEmulator({ ...CLIENT, redirectUris: [REDIRECT_URI] });
});
afterEach(() => tiktok.close());

function postForm(fields: Record<string, string>): Promise<Response> {
  return fetch(tiktok.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

const codeGrant = (code: string): Record<string, string> => ({
  client_key: CLIENT.clientKey,
  client_secret: CLIENT.clientSecret,
  grant_type: "authorization_code",
  code,
  redirect_uri: REDIRECT_URI,
});

function redeemCode(code: string, extra: Record<string, string> = {}): Promise<Response> {
  return postForm({ ...codeGrant(code), ...extra });
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

function getUserInfo(token: string, fields: string): Promise<Response> {
  return fetch(`${tiktok.userInfoUrl}?fields=${fields}`, { headers: { authorization: `Bearer ${token}` } });
}

describe("token endpoint", () => {
  it("redeems a code for a flat Bearer token response carrying the code's scopes", async () => {
    const code = tiktok.issueCode({ scopes: ["user.info.basic", "user.info.profile"] });
    expect(code).toMatch(/\*.*!/);

    const res = await redeemCode(code);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      access_token: expect.any(String),
      expires_in: 86400,
      open_id: tiktok.user.open_id,
      refresh_expires_in: 31536000,
      refresh_token: expect.any(String),
      scope: "user.info.basic,user.info.profile",
      token_type: "Bearer",
    });
  });

  it("records every token request's decoded fields, including the code's * and !", async () => {
    const code = tiktok.issueCode();
    await (await redeemCode(code)).text();
    expect(tiktok.tokenRequests).toEqual([expect.objectContaining({ code, grant_type: "authorization_code" })]);
  });

  it("rejects the second redemption of a code with invalid_grant in an HTTP 200 body", async () => {
    const code = tiktok.issueCode();
    expect(await json(await redeemCode(code))).toHaveProperty("access_token");

    const second = await redeemCode(code);
    expect(second.status).toBe(200);
    expect(await json(second)).toEqual({
      error: "invalid_grant",
      error_description: expect.any(String),
      log_id: expect.stringMatching(/^[0-9a-f]+$/),
    });
  });

  it.each([
    ["a wrong client secret", "invalid_client", { client_secret: "nope" }],
    ["an empty redirect_uri", "invalid_request", { redirect_uri: "" }],
    ["an unknown grant_type", "unsupported_grant_type", { grant_type: "password" }],
    ["a different redirect_uri", "invalid_grant", { redirect_uri: "https://evil.example.com/cb" }],
  ])("answers %s with %s as an HTTP 200 body", async (_case, error, override) => {
    const res = await redeemCode(tiktok.issueCode(), override);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ error });
  });

  it("requires a code_verifier whose lowercase hex SHA-256 matches the code's challenge", async () => {
    const verifier = "a-verifier-long-enough-for-pkce-0123456789abcdef";
    const challenge = createHash("sha256").update(verifier).digest("hex");
    const wrong = await redeemCode(tiktok.issueCode({ codeChallenge: challenge }), { code_verifier: "other" });
    expect(await json(wrong)).toMatchObject({ error: "invalid_grant" });
    const right = await redeemCode(tiktok.issueCode({ codeChallenge: challenge }), { code_verifier: verifier });
    expect(await json(right)).toHaveProperty("access_token");
  });

  it("rejects a JSON body with invalid_request even when its fields are right", async () => {
    const res = await fetch(tiktok.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(codeGrant(tiktok.issueCode())),
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ error: "invalid_request" });
  });

  it("rotates refresh tokens so the old one is invalid_grant after one use", async () => {
    const first = await json(await redeemCode(tiktok.issueCode()));
    const refresh = (token: unknown): Promise<Response> =>
      postForm({
        client_key: CLIENT.clientKey,
        client_secret: CLIENT.clientSecret,
        grant_type: "refresh_token",
        refresh_token: String(token),
      });

    const rotated = await json(await refresh(first.refresh_token));
    expect(rotated.refresh_token).toEqual(expect.any(String));
    expect(rotated.refresh_token).not.toBe(first.refresh_token);
    expect(rotated.access_token).not.toBe(first.access_token);

    expect(await json(await refresh(first.refresh_token))).toMatchObject({ error: "invalid_grant" });
    expect(await json(await refresh(rotated.refresh_token))).toHaveProperty("access_token");
  });
});

describe("token faults", () => {
  it("answers HTTP 500 with a server_error body under http_500", async () => {
    tiktok.setTokenFault({ kind: "http_500" });
    const res = await redeemCode(tiktok.issueCode());
    expect(res.status).toBe(500);
    expect(await json(res)).toMatchObject({ error: "server_error" });
  });

  it("drops the connection without answering under reset, so fetch rejects", async () => {
    tiktok.setTokenFault({ kind: "reset" });
    await expect(redeemCode(tiktok.issueCode())).rejects.toThrow();
    expect(tiktok.tokenRequests).toHaveLength(1);
  });

  it("answers HTTP 200 text/html under html and leaves the code unspent", async () => {
    const code = tiktok.issueCode();
    tiktok.setTokenFault({ kind: "html" });
    const res = await redeemCode(code);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/^<html>/);

    tiktok.setTokenFault({ kind: "none" });
    expect(await json(await redeemCode(code))).toHaveProperty("access_token");
  });

  it("answers correctly but only after delayMs under slow", async () => {
    tiktok.setTokenFault({ kind: "slow", delayMs: 300 });
    const started = Date.now();
    const body = await json(await redeemCode(tiktok.issueCode()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(body).toHaveProperty("access_token");
  });

  it("closes promptly while a slow answer is still pending", async () => {
    tiktok.setTokenFault({ kind: "slow", delayMs: 60_000 });
    const outcome = expect(redeemCode(tiktok.issueCode())).rejects.toThrow();
    for (let i = 0; i < 200 && tiktok.tokenRequests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await tiktok.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await outcome;
  });
});

describe("user info endpoint", () => {
  it("returns exactly the requested fields inside TikTok's data/error envelope", async () => {
    const res = await getUserInfo(
      tiktok.issueAccessToken(["user.info.basic", "user.info.stats"]),
      "open_id,display_name,follower_count",
    );
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      data: {
        user: { open_id: tiktok.user.open_id, display_name: "Tik Toker", follower_count: tiktok.user.follower_count },
      },
      error: { code: "ok", message: "", log_id: expect.stringMatching(/^[0-9a-f]+$/) },
    });
  });

  it.each<[string, TikTokScope[] | string, string, number, string]>([
    ["a field whose scope was not granted", ["user.info.basic"], "open_id,username", 400, "scope_permission_missed"],
    ["an unknown field", ["user.info.basic"], "open_id,email", 400, "invalid_params"],
    ["no fields", ["user.info.basic"], "", 400, "invalid_params"],
    ["an unknown access token", "act.unknown!4994.va", "open_id", 401, "access_token_invalid"],
  ])("rejects %s", async (_case, scopesOrToken, fields, status, code) => {
    const token = typeof scopesOrToken === "string" ? scopesOrToken : tiktok.issueAccessToken(scopesOrToken);
    const res = await getUserInfo(token, fields);
    expect(res.status).toBe(status);
    expect(await json(res)).toEqual({
      data: {},
      error: { code, message: expect.any(String), log_id: expect.any(String) },
    });
  });

  it.each([
    ["rate_limit_exceeded", 429],
    ["internal_error", 500],
  ] as const)("answers %s with HTTP %d when that fault is set", async (kind, status) => {
    tiktok.setUserInfoFault({ kind });
    const res = await getUserInfo(tiktok.issueAccessToken(["user.info.basic"]), "open_id");
    expect(res.status).toBe(status);
    expect(await json(res)).toMatchObject({ error: { code: kind } });
  });
});

describe("authorize endpoint", () => {
  const authorize = (query: Record<string, string>): Promise<Response> =>
    fetch(`${tiktok.authorizeUrl}?${new URLSearchParams(query).toString()}`, { redirect: "manual" });
  const valid = {
    client_key: CLIENT.clientKey,
    response_type: "code",
    scope: "user.info.basic,user.info.profile",
    redirect_uri: REDIRECT_URI,
    state: "s-1",
  };

  it("approves with a redirect carrying a code that redeems for the requested scopes", async () => {
    const res = await authorize(valid);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(location.searchParams.get("state")).toBe("s-1");
    expect(location.searchParams.get("scopes")).toBe("user.info.basic,user.info.profile");
    const token = await json(await redeemCode(location.searchParams.get("code") ?? ""));
    expect(token.scope).toBe("user.info.basic,user.info.profile");
  });

  it("redirects access_denied with the state when the user denies", async () => {
    tiktok.setAuthorizeDecision("deny");
    const location = new URL((await authorize(valid)).headers.get("location") ?? "");
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: "access_denied",
      error_description: expect.any(String),
      state: "s-1",
    });
  });

  it("shows an error page, not a redirect, for client_id without client_key", async () => {
    const { client_key: _omit, ...rest } = valid;
    const res = await authorize({ ...rest, client_id: CLIENT.clientKey });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("error_type=client_key");
  });

  it("shows an error page for an unregistered redirect_uri", async () => {
    const res = await authorize({ ...valid, redirect_uri: "https://evil.example.com/cb" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("error_type=redirect_uri");
  });
});

describe("connections", () => {
  it("counts TCP connections and lets keep-alive clients reuse one", async () => {
    await (await getUserInfo("x", "open_id")).text();
    // undici returns the socket to its pool a tick after the body ends; asking sooner opens a second one.
    await new Promise((resolve) => setImmediate(resolve));
    await (await getUserInfo("x", "open_id")).text();
    expect(tiktok.connectionCount).toBe(1);

    await new Promise<void>((resolve, reject) => {
      request(tiktok.userInfoUrl, { agent: false }, (res) => res.resume().on("end", resolve))
        .on("error", reject)
        .end();
    });
    expect(tiktok.connectionCount).toBe(2);
  });

  it("answers unknown paths with a 404 JSON body", async () => {
    const res = await fetch(`${tiktok.baseUrl}/v2/oauth/token`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(await json(res)).toMatchObject({ error: { code: "not_found" } });
  });
});
