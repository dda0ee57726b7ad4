import fc from "fast-check";
import { createHandler, FunctionUrlEvent } from "../../proxy/lambda";
import { RequestLog } from "../../proxy/log";
import { createFormPoster } from "../../proxy/upstream";
import { startTikTokEmulator, TikTokEmulator } from "../support/tiktok-emulator";

const CLIENT_KEY = "awpropertykey";
const CLIENT_SECRET = "S3CRET-the-real-client-secret";
const REDIRECT_URI = "https://tenant.example.auth0.com/login/callback";

let tiktok: TikTokEmulator;
beforeAll(async () => {
  tiktok = await startTikTokEmulator({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
  });
});
afterAll(() => tiktok?.close());

// Every secret carries a marker, so "echoed" can never be a coincidence with fixed response text.
const secret = fc
  .string({ minLength: 4, maxLength: 24, unit: fc.constantFrom(..."abcXYZ019*!~-._%+/=: ") })
  .map((s) => `S3CRET-${s}`);
const junk = fc.string({ maxLength: 40, unit: "binary" });

// The proxy's accepted secrets are read from a comma-separated list with each item trimmed, so they
// never contain a comma or surrounding whitespace; the stack's are letters and digits.
const sharedSecret = fc
  .string({ minLength: 4, maxLength: 24, unit: fc.constantFrom(..."abcXYZ019*!~-._%+/=:") })
  .map((s) => `S3CRET-${s}`);

const secrets = fc.record({
  clientSecret: secret,
  code: secret,
  refreshToken: secret,
  verifier: secret,
  // Two, as the stack deploys its two secret slots; the proxy must accept either.
  sharedA: sharedSecret,
  sharedB: sharedSecret,
});
type Secrets = {
  clientSecret: string;
  code: string;
  refreshToken: string;
  verifier: string;
  sharedA: string;
  sharedB: string;
};

/** x-proxy-secret values: the accepted ones, and near misses of them. */
function proxySecretFor(s: Secrets) {
  return fc.constantFrom(
    s.sharedA,
    s.sharedB,
    `${s.sharedA}x`,
    s.sharedB.slice(0, -1),
    s.sharedA.toUpperCase(),
    `${s.sharedA},${s.sharedB}`,
    ` ${s.sharedB}`,
    s.clientSecret,
  );
}

const isAccepted = (s: Secrets, header: string | undefined) => header === s.sharedA || header === s.sharedB;

function proxyFor(s: Secrets, pinned: boolean, log: (entry: RequestLog) => void) {
  const env: Record<string, string> = {
    TIKTOK_TOKEN_URL: tiktok.tokenUrl,
    PROXY_SHARED_SECRET: `${s.sharedA},${s.sharedB}`,
  };
  if (pinned) env.TIKTOK_CLIENT_KEY = CLIENT_KEY;
  return createHandler(env, { postForm: createFormPoster(), log });
}

/** Token-request fields, some of them secrets, some missing, plus junk ones. */
function fieldsFor(s: Secrets) {
  const known = fc.record(
    {
      grant_type: fc.constantFrom("authorization_code", "refresh_token", "password", "", s.code),
      client_id: fc.constantFrom(CLIENT_KEY, "other-key", ""),
      client_secret: fc.constantFrom(s.clientSecret, CLIENT_SECRET),
      code: fc.constantFrom(s.code, tiktok.issueCode()),
      redirect_uri: fc.constantFrom(REDIRECT_URI, "not a uri", s.code),
      refresh_token: fc.constant(s.refreshToken),
      code_verifier: fc.constant(s.verifier),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(known, fc.dictionary(junk, junk, { maxKeys: 2 }))
    .map(([fields, extra]): Record<string, string> => ({ ...extra, ...fields }));
}

function bodyFor(s: Secrets) {
  return fc.oneof(
    fieldsFor(s).map((fields) => Buffer.from(new URLSearchParams(fields).toString())),
    fieldsFor(s).map((fields) => Buffer.from(JSON.stringify(fields))),
    fc
      .tuple(fieldsFor(s), junk)
      .map(([fields, tail]) => Buffer.from(`${new URLSearchParams(fields).toString()}&${tail}`)),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  );
}

function eventFor(s: Secrets) {
  return fc
    .record({
      body: bodyFor(s),
      encoding: fc.constantFrom("plain", "base64", "broken-base64"),
      contentType: fc.option(
        fc.constantFrom(
          "application/x-www-form-urlencoded",
          "application/json",
          "text/plain",
          "application/JSON; charset=latin1",
        ),
        { nil: undefined },
      ),
      authorization: fc.option(
        fc.oneof(
          fc.constant(`Basic ${Buffer.from(`${CLIENT_KEY}:${s.clientSecret}`).toString("base64")}`),
          fc.constant(`Basic ${s.clientSecret}`),
          junk,
        ),
        { nil: undefined },
      ),
      proxySecret: fc.option(proxySecretFor(s), { nil: undefined }),
      method: fc.constantFrom("POST", "POST", "GET", "PUT"),
      path: fc.constantFrom("/proxy/token", "/proxy/token", "/", "/proxy/token/"),
      oddity: oddity,
    })
    .map((e): { event: FunctionUrlEvent; proxySecret: string | undefined; oddity: string } => {
      const headers: Record<string, string> = {};
      if (e.contentType !== undefined) headers["content-type"] = e.contentType;
      if (e.authorization !== undefined) headers["authorization"] = e.authorization;
      if (e.proxySecret !== undefined) headers["x-proxy-secret"] = e.proxySecret;
      const body =
        e.encoding === "plain"
          ? e.body.toString("utf8")
          : e.encoding === "base64"
            ? e.body.toString("base64")
            : `${e.body.toString("base64")}*`;
      const event: FunctionUrlEvent = {
        rawPath: e.path,
        headers,
        body,
        isBase64Encoded: e.encoding !== "plain",
        requestContext: { http: { method: e.method } },
      };
      // The oddity is applied in the property, so a counterexample never prints megabytes of body.
      return { event, proxySecret: e.proxySecret, oddity: e.oddity };
    });
}

/** Events a function URL would never send, but something else invoking the function might. */
const oddity = fc.constantFrom(
  "none",
  "none",
  "none",
  "none",
  "headers-null",
  "no-requestContext",
  "body-number",
  "body-object",
  "no-rawPath",
  "huge-base64",
  "huge-plain",
  "not-an-object",
);
// About 5.6 MB encoded: under a function URL's 6 MB, and past what a repeated-group regex survives.
const HUGE_BASE64 = Buffer.alloc(4 * 1024 * 1024, "x").toString("base64");

function withOddity(event: FunctionUrlEvent, kind: string): unknown {
  switch (kind) {
    case "headers-null":
      return { ...event, headers: null };
    case "no-requestContext":
      return { ...event, requestContext: undefined };
    case "body-number":
      return { ...event, body: 42 };
    case "body-object":
      return { ...event, body: { grant_type: "authorization_code" } };
    case "no-rawPath":
      return { ...event, rawPath: undefined };
    case "huge-base64":
      return { ...event, body: HUGE_BASE64, isBase64Encoded: true };
    case "huge-plain":
      return { ...event, body: HUGE_BASE64, isBase64Encoded: false };
    case "not-an-object":
      return JSON.stringify(event);
    default:
      return event;
  }
}

const scenario = secrets.chain((s) =>
  fc.record({ secrets: fc.constant(s), request: eventFor(s), pinned: fc.boolean() }),
);

describe("the handler, over random bodies, headers and encodings", () => {
  it("never throws, never answers 5xx while TikTok is healthy, never echoes a secret, and never forwards without an accepted x-proxy-secret", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ secrets: s, request: { event, proxySecret, oddity: odd }, pinned }) => {
        const logs: RequestLog[] = [];
        const handler = proxyFor(s, pinned, (entry) => logs.push(entry));
        const before = tiktok.tokenRequests.length;

        const result = await handler(withOddity(event, odd));

        if (!isAccepted(s, proxySecret)) {
          expect(tiktok.tokenRequests.length).toBe(before);
          expect(result.statusCode).not.toBe(200);
        }

        expect(result.statusCode).toBeGreaterThanOrEqual(200);
        expect(result.statusCode).toBeLessThan(500);
        expect(result.headers["cache-control"]).toBe("no-store");
        const body = JSON.parse(result.body) as Record<string, unknown>;
        if (result.statusCode !== 200) expect(Object.keys(body).sort()).toEqual(["error", "error_description"]);
        else expect(typeof body.access_token).toBe("string");
        expect(logs).toHaveLength(1);
        const seen = `${result.body}${JSON.stringify(result.headers)}${JSON.stringify(logs)}`;
        for (const value of [...Object.values(s), CLIENT_SECRET]) expect(seen).not.toContain(value);
      }),
      { numRuns: 400 },
    );
  });
});

describe("the handler, with two accepted secrets and an otherwise valid code exchange", () => {
  const exchange = secrets.chain((s) =>
    fc.record({ secrets: fc.constant(s), proxySecret: fc.option(proxySecretFor(s), { nil: undefined }) }),
  );

  it("forwards to TikTok, and answers 200, exactly when x-proxy-secret is one of the two", async () => {
    await fc.assert(
      fc.asyncProperty(exchange, async ({ secrets: s, proxySecret }) => {
        const handler = proxyFor(s, true, () => undefined);
        const fields = {
          grant_type: "authorization_code",
          code: tiktok.issueCode(),
          redirect_uri: REDIRECT_URI,
          client_id: CLIENT_KEY,
          client_secret: CLIENT_SECRET,
        };
        const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
        if (proxySecret !== undefined) headers["x-proxy-secret"] = proxySecret;
        const before = tiktok.tokenRequests.length;

        const result = await handler({
          rawPath: "/proxy/token",
          headers,
          body: new URLSearchParams(fields).toString(),
          requestContext: { http: { method: "POST" } },
        });

        const accepted = isAccepted(s, proxySecret);
        expect(tiktok.tokenRequests.length - before).toBe(accepted ? 1 : 0);
        expect(result.statusCode).toBe(accepted ? 200 : 401);
      }),
      { numRuns: 200 },
    );
  });
});
