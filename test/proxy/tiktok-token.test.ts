import { normalizeTokenResponse, toTikTokTokenRequest } from "../../proxy/tiktok-token";

describe("toTikTokTokenRequest", () => {
  it("encodes each value once, so TikTok decodes the code it issued", () => {
    const form = toTikTokTokenRequest({
      grantType: "authorization_code",
      clientId: "key",
      clientSecret: "secret",
      code: "a*b!c%2A",
      redirectUri: "https://t.example/login/callback",
    });
    expect(new URLSearchParams(form.toString()).get("code")).toBe("a*b!c%2A");
    expect([...form.keys()]).toEqual(["client_key", "client_secret", "grant_type", "code", "redirect_uri"]);
  });
});

describe("normalizeTokenResponse", () => {
  const ok = (body: object) => normalizeTokenResponse(200, JSON.stringify(body), []);

  it("turns numeric strings into numbers and drops fields TikTok never sends", () => {
    expect(ok({ access_token: "at", expires_in: "7200", token_type: "bearer", extra: "x" })).toEqual({
      kind: "ok",
      token: { access_token: "at", token_type: "Bearer", expires_in: 7200 },
      logId: undefined,
    });
  });

  it("maps an error code outside RFC 6749 to invalid_request, keeping TikTok's code in the description", () => {
    const result = ok({ error: "scope_permission_missed", error_description: "Scope missing.", log_id: "abc" });
    expect(result).toMatchObject({
      kind: "tiktok_error",
      logId: "abc",
      error: { status: 400, error: "invalid_request" },
    });
    expect(result.kind !== "ok" && result.error.description).toContain("scope_permission_missed");
  });

  it("treats TikTok's own outage codes as upstream failures", () => {
    expect(ok({ error: "temporarily_unavailable" })).toMatchObject({ kind: "upstream_error", error: { status: 502 } });
  });

  it("never passes on a 200 without an access_token", () => {
    expect(ok({ token_type: "Bearer" })).toMatchObject({ kind: "upstream_error", error: { status: 502 } });
  });

  it("never relays TikTok's description, which may echo a request secret in any spelling", () => {
    const result = normalizeTokenResponse(
      200,
      JSON.stringify({ error: "invalid_grant", error_description: "code c0de*! is bad" }),
      ["c0de*!"],
    );
    expect(result.kind !== "ok" && result.error.description).toBe("TikTok refused the request (invalid_grant).");
  });
});

describe("normalizeTokenResponse, on a secret that itself looks percent-encoded", () => {
  // Found by the hostile-upstream property test: a code containing "%1a" survives one round of
  // decoding and turns into a control character on the next, so only the last round was checked.
  const code = "S3CRET-%1aaaa";

  it.each([
    ["form-encoded once", new URLSearchParams({ code }).toString()],
    [
      "form-encoded, then percent-encoded in lower-case hex",
      encodeURIComponent(new URLSearchParams({ code }).toString()).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    ],
    ["percent-encoded twice", encodeURIComponent(encodeURIComponent(code))],
  ])("keeps it out of the description when TikTok echoes it %s", (_label, echoed) => {
    const result = normalizeTokenResponse(200, JSON.stringify({ error: "invalid_grant", error_description: echoed }), [
      code,
    ]);
    expect(result.kind).toBe("tiktok_error");
    const description = result.kind === "ok" ? "" : result.error.description;
    for (const reading of [
      description,
      decodeURIComponent(description),
      decodeURIComponent(decodeURIComponent(description)),
    ]) {
      expect(reading).not.toContain(code);
    }
  });
});
