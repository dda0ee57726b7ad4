import { auth0BaseUrlFrom, StackReadError, verifyTargetFromPulumi } from "../../scripts/verify-target";

/** Reading `pulumi stack output --json --show-secrets` and `pulumi config --json --show-secrets`. */

const OUTPUTS = {
  tokenUrl: "https://abc123.lambda-url.us-east-1.on.aws/proxy/token",
  connectionId: "con_123",
  connectionName: "TikTok",
  proxySharedSecret: "SharedSecretFromTheStack0123456789",
  functionName: "tiktok-auth0-prod-token-proxy",
};

/** The shape the Pulumi CLI prints: every key namespaced, secrets shown because of --show-secrets. */
const CONFIG = {
  "auth0:domain": { value: "acme.us.auth0.com", secret: false, object: false },
  "aws:region": { value: "us-east-1", secret: false, object: false },
  "tiktok-auth0:enabledClients": {
    value: '["webAppClientId","mobileAppClientId"]',
    secret: false,
    object: true,
    objectValue: ["webAppClientId", "mobileAppClientId"],
  },
  "tiktok-auth0:scopes": {
    value: '["user.info.basic","user.info.profile"]',
    secret: false,
    object: true,
    objectValue: ["user.info.basic", "user.info.profile"],
  },
  "tiktok-auth0:tiktokClientKey": { value: "awprodclientkey", secret: false, object: false },
  "tiktok-auth0:tiktokClientSecret": { value: "prod-client-secret", secret: true, object: false },
};

const read = (outputs: object = OUTPUTS, config: object = CONFIG, options = {}) =>
  verifyTargetFromPulumi(JSON.stringify(outputs), JSON.stringify(config), options);

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof StackReadError) return err.problems;
    throw err;
  }
  throw new Error("Expected a StackReadError");
}

describe("reading a deployed stack", () => {
  it("takes the token URL, shared secret and connection from the outputs, and the rest from the config", () => {
    expect(read()).toEqual({
      tokenUrl: OUTPUTS.tokenUrl,
      sharedSecret: OUTPUTS.proxySharedSecret,
      tiktokClientKey: "awprodclientkey",
      tiktokClientSecret: "prod-client-secret",
      auth0BaseUrl: "https://acme.us.auth0.com",
      connectionName: "TikTok",
      clientId: "webAppClientId",
      redirectUri: undefined,
      scopes: ["user.info.basic", "user.info.profile"],
    });
  });

  it("reads list settings set as JSON text as well as YAML lists", () => {
    const { objectValue, ...asText } = CONFIG["tiktok-auth0:enabledClients"];
    expect(objectValue).toBeDefined();
    expect(read(OUTPUTS, { ...CONFIG, "tiktok-auth0:enabledClients": { ...asText, object: false } }).clientId).toBe(
      "webAppClientId",
    );
  });

  it("uses --client-id and --redirect-uri over the config", () => {
    const target = read(OUTPUTS, CONFIG, { clientId: "otherApp", redirectUri: "https://app.example.com/cb" });
    expect(target).toMatchObject({ clientId: "otherApp", redirectUri: "https://app.example.com/cb" });
  });

  it("has no application when enabledClients is empty or unset, and the default scope when scopes is unset", () => {
    const { ["tiktok-auth0:enabledClients"]: _clients, ["tiktok-auth0:scopes"]: _scopes, ...rest } = CONFIG;
    expect(read(OUTPUTS, rest)).toMatchObject({ clientId: undefined, scopes: ["user.info.basic"] });
    expect(
      read(OUTPUTS, { ...rest, "tiktok-auth0:enabledClients": { value: "[]", secret: false } }).clientId,
    ).toBeUndefined();
  });

  it("reads the tenant from auth0:domain only, the stack file being its one source", () => {
    const { ["auth0:domain"]: _domain, ...rest } = CONFIG;
    process.env.AUTH0_DOMAIN = "env-tenant.eu.auth0.com";
    try {
      expect(problemsOf(() => read(OUTPUTS, rest))).toEqual([
        "auth0:domain is not set: run `pulumi config set auth0:domain <tenant>.us.auth0.com`.",
      ]);
    } finally {
      delete process.env.AUTH0_DOMAIN;
    }
  });
});

describe("a stack that cannot be verified", () => {
  it("is refused with every problem at once, each saying how to fix it", () => {
    const { proxySharedSecret: _secret, ...outputs } = OUTPUTS;
    const { ["auth0:domain"]: _domain, ["tiktok-auth0:tiktokClientKey"]: _key, ...config } = CONFIG;
    expect(problemsOf(() => read(outputs, config))).toEqual([
      "The stack has no proxySharedSecret output: run `pulumi up` with this version of the program (the output was added for npm run verify).",
      "tiktok-auth0:tiktokClientKey is not set: run `pulumi config set tiktokClientKey <client key>`.",
      "auth0:domain is not set: run `pulumi config set auth0:domain <tenant>.us.auth0.com`.",
    ]);
  });

  it("is refused when secrets were not shown, never using the [secret] placeholder as a value", () => {
    const problems = problemsOf(() =>
      read(
        { ...OUTPUTS, proxySharedSecret: "[secret]" },
        { ...CONFIG, "tiktok-auth0:tiktokClientSecret": { secret: true, object: false } },
      ),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/proxySharedSecret output is masked as \[secret\]/);
    expect(problems[1]).toMatch(/tiktokClientSecret is set but its value was not shown/);
  });

  it("is refused when the CLI printed something other than JSON", () => {
    expect(problemsOf(() => verifyTargetFromPulumi("warning: something\n{", "{}"))).toEqual([
      expect.stringMatching(/^`pulumi stack output --json` did not print a JSON object/),
    ]);
  });

  it("is refused when enabledClients is not a list of strings", () => {
    const problems = problemsOf(() =>
      read(OUTPUTS, { ...CONFIG, "tiktok-auth0:enabledClients": { value: "webAppClientId", secret: false } }),
    );
    expect(problems).toEqual([expect.stringMatching(/^tiktok-auth0:enabledClients is not a list of strings/)]);
  });
});

describe("the Auth0 base URL", () => {
  it.each([
    ["acme.us.auth0.com", "https://acme.us.auth0.com"],
    ["acme.us.auth0.com/", "https://acme.us.auth0.com"],
    ["https://login.acme.com", "https://login.acme.com"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["acme.us.auth0.com/some/path", ""],
    ["not a domain", ""],
  ])("is %s -> %s", (domain, expected) => {
    expect(auth0BaseUrlFrom(domain)).toBe(expected);
  });
});
