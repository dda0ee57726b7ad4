import { HIDDEN, maskField, maskToken } from "../../scripts/mask";

describe("what the demo prints in place of secrets, codes and tokens", () => {
  it("hides client secrets and the shared-secret header completely", () => {
    expect(maskField("client_secret", "a-long-client-secret")).toBe(HIDDEN);
    expect(maskField("x-proxy-secret", "SharedSecret0123456789")).toBe(HIDDEN);
  });

  it("shows only the first four characters of codes and tokens", () => {
    for (const field of ["code", "access_token", "refresh_token", "code_verifier"]) {
      expect(maskField(field, "abcd*efgh!ijkl!4994.va")).toBe("abcd…");
    }
  });

  it("hides a short code or token completely, since four characters would be most of it", () => {
    expect(maskToken("12345678")).toBe(HIDDEN);
    expect(maskToken("123456789")).toBe("1234…");
  });

  it("shows every other field as it is", () => {
    expect(maskField("client_key", "awdemoclientkey")).toBe("awdemoclientkey");
    expect(maskField("scope", "user.info.basic,user.info.profile")).toBe("user.info.basic,user.info.profile");
  });
});
