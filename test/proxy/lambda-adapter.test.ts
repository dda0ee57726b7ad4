import { createHandler, FunctionUrlEvent } from "../../proxy/lambda";
import { RequestLog } from "../../proxy/log";
import { PostForm } from "../../proxy/upstream";

// These requests are all refused before any upstream call, so an upstream that fails the test is honest.
const neverCalled: PostForm = () => Promise.reject(new Error("the proxy must not call TikTok here"));

function event(overrides: Partial<FunctionUrlEvent>): FunctionUrlEvent {
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
      expect(String(errors.mock.calls[0]?.[0])).toContain("TIKTOK_TIMEOUT_MS");
    } finally {
      errors.mockRestore();
    }
  });
});
