import { displayUrl, DEFAULT_TIKTOK_TOKEN_URL, insecureUpstreamWarning, readProxyConfig } from "../../proxy/config";

describe("readProxyConfig", () => {
  it("defaults to TikTok's v2 token endpoint, a 5 s deadline, and no pinning", () => {
    expect(readProxyConfig({})).toEqual({
      tiktokTokenUrl: new URL(DEFAULT_TIKTOK_TOKEN_URL),
      tiktokClientKey: undefined,
      sharedSecrets: [],
      timeoutMs: 5000,
    });
    expect(DEFAULT_TIKTOK_TOKEN_URL).toBe("https://open.tiktokapis.com/v2/oauth/token/");
  });

  it("treats empty variables as unset", () => {
    expect(readProxyConfig({ TIKTOK_CLIENT_KEY: "", PROXY_SHARED_SECRET: "", TIKTOK_TIMEOUT_MS: "" })).toMatchObject({
      tiktokClientKey: undefined,
      sharedSecrets: [],
      timeoutMs: 5000,
    });
  });

  it("reads one PROXY_SHARED_SECRET value as a list of one, exactly as given", () => {
    expect(readProxyConfig({ PROXY_SHARED_SECRET: "OnlyOneSecret0123" }).sharedSecrets).toEqual(["OnlyOneSecret0123"]);
  });

  it.each([
    ["two values", "SlotA0123,SlotB4567", ["SlotA0123", "SlotB4567"]],
    ["whitespace around values", " SlotA0123 ,\tSlotB4567\n", ["SlotA0123", "SlotB4567"]],
    ["empty items", ",SlotA0123,,SlotB4567,", ["SlotA0123", "SlotB4567"]],
    ["the same value twice", "SlotA0123,SlotA0123", ["SlotA0123"]],
    ["characters other than letters and digits inside a value", "a b*c!,d=e", ["a b*c!", "d=e"]],
  ])("reads a comma-separated PROXY_SHARED_SECRET with %s", (_label, raw, expected) => {
    expect(readProxyConfig({ PROXY_SHARED_SECRET: raw }).sharedSecrets).toEqual(expected);
  });

  it.each([[","], [" , "], [" "]])(
    "refuses PROXY_SHARED_SECRET=%j, which lists no value, instead of requiring no header",
    (raw) => {
      expect(() => readProxyConfig({ PROXY_SHARED_SECRET: raw })).toThrow(
        /PROXY_SHARED_SECRET is set but lists no value/,
      );
    },
  );

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

describe("insecureUpstreamWarning", () => {
  it.each([
    "http://open.tiktokapis.com/v2/oauth/token/",
    "http://10.0.0.5:8080/token",
    "http://[::2]/token",
    "http://localhost.example.com/token",
    "http://128.0.0.1/token",
  ])("warns about plain http to %s, which is not loopback", (url) => {
    expect(insecureUpstreamWarning(new URL(url))).toMatch(/TIKTOK_TOKEN_URL .*http.*not loopback/);
  });

  it.each([
    "https://open.tiktokapis.com/v2/oauth/token/",
    "http://127.0.0.1:3000/token",
    "http://127.1.2.3/token",
    "http://[::1]:3000/token",
    "http://localhost:3000/token",
    "http://LOCALHOST/token",
  ])("says nothing about %s", (url) => {
    expect(insecureUpstreamWarning(new URL(url))).toBeUndefined();
  });
});

describe("displayUrl", () => {
  it("masks the user and password of a URL, keeping the rest", () => {
    expect(displayUrl(new URL("https://user:hunter2@example.com:8443/v2/oauth/token/?a=1"))).toBe(
      "https://***:***@example.com:8443/v2/oauth/token/?a=1",
    );
    expect(displayUrl(new URL("https://hunter2@example.com/t"))).toBe("https://***@example.com/t");
    expect(displayUrl(new URL(DEFAULT_TIKTOK_TOKEN_URL))).toBe(DEFAULT_TIKTOK_TOKEN_URL);
  });
});
