import { parseVerifyArgs, UsageError } from "../../scripts/verify-args";

describe("npm run verify's arguments", () => {
  it("take --stack, --redirect-uri and --client-id, with a space or an equals sign", () => {
    expect(
      parseVerifyArgs(["--stack", "prod", "--redirect-uri=https://app.example.com/cb", "--client-id", "abc"]),
    ).toEqual({
      help: false,
      stack: "prod",
      redirectUri: "https://app.example.com/cb",
      clientId: "abc",
    });
  });

  it("take the callback from VERIFY_REDIRECT_URI when --redirect-uri is not given", () => {
    expect(
      parseVerifyArgs(["--stack", "prod"], { VERIFY_REDIRECT_URI: "https://app.example.com/env" }).redirectUri,
    ).toBe("https://app.example.com/env");
    expect(
      parseVerifyArgs(["--stack", "prod", "--redirect-uri", "https://flag.example.com"], {
        VERIFY_REDIRECT_URI: "https://env.example.com",
      }).redirectUri,
    ).toBe("https://flag.example.com");
  });

  it("pass an org-qualified stack name through as it is, as CI gives it", () => {
    expect(parseVerifyArgs(["--stack", "acme-org/tiktok-auth0/prod"]).stack).toBe("acme-org/tiktok-auth0/prod");
    expect(parseVerifyArgs(["--stack=acme-org/tiktok-auth0/staging"]).stack).toBe("acme-org/tiktok-auth0/staging");
  });

  it("ask for help with --help, without needing a stack", () => {
    expect(parseVerifyArgs(["--help"])).toEqual({ help: true });
  });

  it.each([
    [[], "--stack <name> is required."],
    [["--stack"], "--stack needs a value."],
    [["--stack", "--client-id", "x"], "--stack needs a value."],
    [["--stack", "prod", "--verbose"], 'Unknown argument "--verbose".'],
    [["--stack", "prod", "--redirect-uri", "/callback"], '--redirect-uri must be an absolute URL, got "/callback".'],
  ])("refuse %j with a usage error", (argv, message) => {
    expect(() => parseVerifyArgs(argv)).toThrow(new UsageError(message));
  });

  it("refuse a VERIFY_REDIRECT_URI that is not a URL, naming the variable", () => {
    expect(() => parseVerifyArgs(["--stack", "prod"], { VERIFY_REDIRECT_URI: "callback" })).toThrow(
      /^VERIFY_REDIRECT_URI must be an absolute URL/,
    );
  });
});
