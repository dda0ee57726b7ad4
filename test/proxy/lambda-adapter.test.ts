import { createHandler, FunctionUrlEvent } from "../../proxy/lambda";
import { RequestLog } from "../../proxy/log";
import { PostForm } from "../../proxy/upstream";

// These requests are all refused before any upstream call, so an upstream that fails the test is honest.
const neverCalled: PostForm = () => Promise.reject(new Error("the proxy must not call TikTok here"));

function event(overrides: Partial<FunctionUrlEvent> | Record<string, unknown>): Record<string, unknown> {
  return {
    rawPath: "/proxy/token",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "",
    isBase64Encoded: false,
    requestContext: { http: { method: "POST" } },
    ...overrides,
  };
}

describe("the Lambda adapter", () => {
  it("answers 400 invalid_request for a base64 body that does not decode", async () => {
    const logs: RequestLog[] = [];
    const handler = createHandler({}, { postForm: neverCalled, log: (entry) => logs.push(entry) });

    const result = await handler(event({ body: "grant_type=authorization_code&code=abc", isBase64Encoded: true }));

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({
      error: "invalid_request",
      error_description: "The body is not valid base64.",
    });
    expect(logs).toEqual([expect.objectContaining({ outcome: "rejected", status: 400, error: "invalid_request" })]);
  });

  it("reads header names case-insensitively", async () => {
    const handler = createHandler({ PROXY_SHARED_SECRET: "expected" }, { postForm: neverCalled, log: () => undefined });
    const wrong = await handler(
      event({ headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Proxy-Secret": "other" } }),
    );
    const right = await handler(
      event({ headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Proxy-Secret": "expected" } }),
    );

    expect(wrong.statusCode).toBe(401);
    // Past the secret check, the empty body fails validation instead.
    expect(right.statusCode).toBe(400);
  });

  it("answers 500 server_error without details when its environment is invalid", async () => {
    const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const handler = createHandler({ TIKTOK_TIMEOUT_MS: "soon" }, { postForm: neverCalled, log: () => undefined });
      const result = await handler(event({}));

      expect(result.statusCode).toBe(500);
      expect(JSON.parse(result.body)).toEqual({
        error: "server_error",
        error_description: "The token proxy is misconfigured; see its logs.",
      });
      // One object per request: Lambda's JSON log format keeps it an object, with level and requestId.
      expect(errors.mock.calls).toEqual([
        [{ msg: "proxy_misconfigured", problem: expect.stringContaining("TIKTOK_TIMEOUT_MS") }],
      ]);
    } finally {
      errors.mockRestore();
    }
  });
});

describe("the Lambda adapter, on a plain-http TIKTOK_TOKEN_URL", () => {
  it("warns once when the function starts, never with the URL's credentials, and not for loopback", () => {
    const warnings = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const deps = { postForm: neverCalled, log: () => undefined };
      createHandler({ TIKTOK_TOKEN_URL: "http://proxyuser:hunter2pw@tiktok.example.com/v2/oauth/token/" }, deps);
      createHandler({ TIKTOK_TOKEN_URL: "http://127.0.0.1:9/v2/oauth/token/" }, deps);
      createHandler({}, deps);

      expect(warnings.mock.calls).toEqual([
        [{ msg: "proxy_insecure_upstream", warning: expect.stringMatching(/TIKTOK_TOKEN_URL .*not loopback/) }],
      ]);
      expect(JSON.stringify(warnings.mock.calls)).not.toContain("hunter2pw");
    } finally {
      warnings.mockRestore();
    }
  });
});

describe("the Lambda adapter, on bodies far over the limit", () => {
  // 4 MiB decoded, 5.6 MB encoded: under the 6 MB a function URL accepts, and enough to overflow
  // the regex stack of a pattern with a repeated group.
  const huge = Buffer.alloc(4 * 1024 * 1024, "x").toString("base64");

  it.each([
    ["a base64 body of a few MiB", { body: huge, isBase64Encoded: true }],
    ["a base64 body of a few MiB that is not base64 at its end", { body: `${huge}*`, isBase64Encoded: true }],
    ["a base64 body one quartet over the limit", { body: "QUFB".repeat(5462 + 1), isBase64Encoded: true }],
    ["a plain body of a few MiB", { body: "x".repeat(4 * 1024 * 1024), isBase64Encoded: false }],
  ])("answers %s with 413 before decoding it, and never calls TikTok", async (_label, overrides) => {
    const logs: RequestLog[] = [];
    const handler = createHandler({}, { postForm: neverCalled, log: (entry) => logs.push(entry) });

    const result = await handler(event(overrides));

    expect(result.statusCode).toBe(413);
    expect(JSON.parse(result.body)).toMatchObject({ error: "invalid_request" });
    expect(logs).toEqual([expect.objectContaining({ outcome: "rejected", status: 413 })]);
  });

  it("still decodes a base64 body of exactly 16 KiB", async () => {
    const handler = createHandler({}, { postForm: neverCalled, log: () => undefined });
    const body = Buffer.alloc(16 * 1024, "x").toString("base64");
    const result = await handler(event({ body, isBase64Encoded: true }));
    // Past the size check; refused because it is no token request.
    expect(result.statusCode).toBe(400);
  });
});

describe("the Lambda adapter, on events that are not function URL events", () => {
  const valid = event({});
  const without = (key: string) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key));

  it.each<[string, unknown]>([
    ["headers: null", { ...valid, headers: null }],
    ["headers as an array", { ...valid, headers: ["content-type"] }],
    ["a header value that is a number", { ...valid, headers: { "content-length": 12 } }],
    ["no requestContext", without("requestContext")],
    ["requestContext: null", { ...valid, requestContext: null }],
    ["requestContext without http", { ...valid, requestContext: {} }],
    ["a method that is not a string", { ...valid, requestContext: { http: { method: 7 } } }],
    ["no rawPath", without("rawPath")],
    ["a body that is a number", { ...valid, body: 42 }],
    ["a body that is an object", { ...valid, body: { grant_type: "authorization_code" } }],
    ["a body that is null", { ...valid, body: null }],
    ["isBase64Encoded as a string", { ...valid, isBase64Encoded: "true" }],
    ["an event that is null", null],
    ["an event that is a string", "POST /proxy/token"],
    ["an event that is an array", [valid]],
    ["an event with no fields", {}],
  ])("answers %s with 400 invalid_request, logged once, and never throws", async (_label, malformed) => {
    const logs: RequestLog[] = [];
    const handler = createHandler({}, { postForm: neverCalled, log: (entry) => logs.push(entry) });

    const result = await handler(malformed);

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ error: "invalid_request" });
    expect(result.headers["cache-control"]).toBe("no-store");
    expect(logs).toEqual([expect.objectContaining({ outcome: "rejected", status: 400, error: "invalid_request" })]);
  });

  describe("when the log line cannot be written", () => {
    const failingLog = () => {
      throw new Error("EAGAIN: the log pipe is full");
    };

    it("still answers a successful exchange with its token: TikTok has already spent the code", async () => {
      let upstreamCalls = 0;
      const tiktok: PostForm = () => {
        upstreamCalls += 1;
        return Promise.resolve({
          status: 200,
          body: JSON.stringify({
            access_token: "act.issued*token!",
            token_type: "Bearer",
            expires_in: 7200,
            open_id: "o1",
          }),
        });
      };
      const handler = createHandler({}, { postForm: tiktok, log: failingLog });
      const form = new URLSearchParams({
        grant_type: "authorization_code",
        code: "single-use-code",
        redirect_uri: "https://tenant.example/login/callback",
        client_id: "awkey",
        client_secret: "client-secret-value",
      });

      const result = await handler(event({ body: form.toString() }));

      expect(upstreamCalls).toBe(1);
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toMatchObject({ access_token: "act.issued*token!" });
    });

    it("still refuses a malformed event with 400, never a throw or a 500", async () => {
      const handler = createHandler({}, { postForm: neverCalled, log: failingLog });
      const result = await handler({ rawPath: "/proxy/token" });
      expect(result.statusCode).toBe(400);
    });
  });
});
