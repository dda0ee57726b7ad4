import { DEFAULT_TIKTOK_TOKEN_URL, readProxyConfig } from "../../proxy/config";

describe("readProxyConfig", () => {
  it("defaults to TikTok's v2 token endpoint, a 5 s deadline, and no pinning", () => {
    expect(readProxyConfig({})).toEqual({
      tiktokTokenUrl: new URL(DEFAULT_TIKTOK_TOKEN_URL),
      tiktokClientKey: undefined,
      sharedSecret: undefined,
      timeoutMs: 5000,
    });
    expect(DEFAULT_TIKTOK_TOKEN_URL).toBe("https://open.tiktokapis.com/v2/oauth/token/");
  });

  it("treats empty variables as unset", () => {
    expect(readProxyConfig({ TIKTOK_CLIENT_KEY: "", PROXY_SHARED_SECRET: "", TIKTOK_TIMEOUT_MS: "" })).toMatchObject({
      tiktokClientKey: undefined,
      sharedSecret: undefined,
      timeoutMs: 5000,
    });
  });

  it.each([
    [{ TIKTOK_TOKEN_URL: "not a url" }, /TIKTOK_TOKEN_URL is not a URL/],
    [{ TIKTOK_TOKEN_URL: "ftp://example.com/token" }, /TIKTOK_TOKEN_URL must be an http\(s\) URL/],
    [{ TIKTOK_TIMEOUT_MS: "5s" }, /TIKTOK_TIMEOUT_MS must be a whole number of milliseconds from 1 to 30000/],
    [{ TIKTOK_TIMEOUT_MS: "0" }, /TIKTOK_TIMEOUT_MS must be/],
    [{ TIKTOK_TIMEOUT_MS: "60000" }, /TIKTOK_TIMEOUT_MS must be/],
  ])("refuses %j, naming the variable", (env, message) => {
    expect(() => readProxyConfig(env)).toThrow(message);
  });
});
