import * as pulumi from "@pulumi/pulumi";
import {
  AUTH0_DOMAIN_EXAMPLE,
  CLIENT_KEY_PLACEHOLDER,
  LOG_RETENTION_DAYS,
  parseStackConfig,
  StackConfig,
  StackConfigError,
  TIKTOK_SCOPES,
} from "../../infra/config";

/** parseStackConfig with plain values, as Pulumi hands them over: strings, lists as JSON text. */

const REQUIRED = { tiktokClientKey: "awabc123def456" };
const SECRET = "tiktok-client-secret";
/** A real-looking tenant in the stack config, no AUTH0_DOMAIN in the environment. */
const AUTH0_DOMAIN = { auth0Domain: "acme-prod.eu.auth0.com", auth0DomainEnvironment: undefined };

/** `secret: null` stands for "not set" (an explicit `undefined` would pick up the default). */
function parse(values: Record<string, string | undefined>, secret: string | null = SECRET): StackConfig<string> {
  return parseStackConfig({ values, tiktokClientSecret: secret ?? undefined, ...AUTH0_DOMAIN });
}

function problemsOf(values: Record<string, string | undefined>, secret: string | null = SECRET): readonly string[] {
  try {
    parse(values, secret);
  } catch (err) {
    if (err instanceof StackConfigError) return err.problems;
    throw err;
  }
  throw new Error(`Expected a StackConfigError for ${JSON.stringify(values)}`);
}

describe("parseStackConfig", () => {
  it("applies every default when only the client key and secret are set", () => {
    expect(parse(REQUIRED)).toEqual({
      tiktokClientKey: "awabc123def456",
      tiktokClientSecret: SECRET,
      enabledClients: [],
      connectionName: "TikTok",
      displayName: "TikTok",
      scopes: ["user.info.basic"],
      logRetentionDays: 30,
      lambdaMemoryMb: 256,
      reservedConcurrency: undefined,
      tiktokTimeoutMs: 5000,
      alarmEmail: undefined,
      runtime: "nodejs22.x",
      activeSharedSecret: "a",
      adoptConnectionId: undefined,
      userIdField: "union_id",
    });
  });

  it("reads every setting when all are given", () => {
    expect(
      parse({
        ...REQUIRED,
        enabledClients: '["abcDEF123","ghiJKL456"]',
        connectionName: "TikTok-Login-2",
        displayName: "Continue with TikTok",
        scopes: '["user.info.basic","user.info.stats"]',
        logRetentionDays: "3653",
        lambdaMemoryMb: "10240",
        reservedConcurrency: "1",
        tiktokTimeoutMs: "30000",
        alarmEmail: "oncall@example.com",
        runtime: "nodejs24.x",
        activeSharedSecret: "b",
        adoptConnectionId: "con_AbC123xyz",
        userIdField: "open_id",
      }),
    ).toEqual({
      tiktokClientKey: "awabc123def456",
      tiktokClientSecret: SECRET,
      enabledClients: ["abcDEF123", "ghiJKL456"],
      connectionName: "TikTok-Login-2",
      displayName: "Continue with TikTok",
      scopes: ["user.info.basic", "user.info.stats"],
      logRetentionDays: 3653,
      lambdaMemoryMb: 10240,
      reservedConcurrency: 1,
      tiktokTimeoutMs: 30000,
      alarmEmail: "oncall@example.com",
      runtime: "nodejs24.x",
      activeSharedSecret: "b",
      adoptConnectionId: "con_AbC123xyz",
      userIdField: "open_id",
    });
  });

  it("puts the scopes in TikTok's order whatever order they are configured in", () => {
    expect(parse({ ...REQUIRED, scopes: '["user.info.stats","user.info.profile","user.info.basic"]' }).scopes).toEqual([
      ...TIKTOK_SCOPES,
    ]);
  });

  it("treats an empty value as unset, so the default applies", () => {
    const config = parse({
      ...REQUIRED,
      alarmEmail: "",
      runtime: "",
      logRetentionDays: "",
      enabledClients: "",
      activeSharedSecret: "",
    });
    expect(config.activeSharedSecret).toBe("a");
    expect(config.alarmEmail).toBeUndefined();
    expect(config.runtime).toBe("nodejs22.x");
    expect(config.logRetentionDays).toBe(30);
    expect(config.enabledClients).toEqual([]);
  });

  it.each(LOG_RETENTION_DAYS.map((days) => [days]))("accepts CloudWatch's retention period of %i days", (days) => {
    expect(parse({ ...REQUIRED, logRetentionDays: String(days) }).logRetentionDays).toBe(days);
  });

  it.each([
    ["a single character", "T"],
    ["128 characters", `T${"a".repeat(126)}k`],
    ["single hyphens between alphanumerics", "tik-tok-2"],
  ])("accepts a connection name of %s", (_, name) => {
    expect(parse({ ...REQUIRED, connectionName: name }).connectionName).toBe(name);
  });

  it("reports every problem at once, in one error", () => {
    const problems = problemsOf({ scopes: "[]", runtime: "nodejs20.x", lambdaMemoryMb: "64" }, null);
    expect(problems).toHaveLength(5);
    expect(() => parse({}, null)).toThrow(/has 2 problems:\n {2}- tiktok-auth0:tiktokClientKey is required/);
  });
});

describe("each configuration error names its key and says how to fix it", () => {
  const cases: [string, Record<string, string | undefined>, string | null, string][] = [
    [
      "a missing client key",
      {},
      SECRET,
      "tiktok-auth0:tiktokClientKey is required: run `pulumi config set tiktokClientKey <client key from TikTok for Developers>`.",
    ],
    [
      "the client key placeholder from Pulumi.dev.yaml",
      { tiktokClientKey: CLIENT_KEY_PLACEHOLDER },
      SECRET,
      "tiktok-auth0:tiktokClientKey is still the placeholder <client key from TikTok for Developers> that the example stack files ship with: run `pulumi config set tiktokClientKey",
    ],
    [
      "whitespace in the client key",
      { tiktokClientKey: "awabc 123" },
      SECRET,
      "tiktok-auth0:tiktokClientKey must not contain whitespace (a copy-paste accident?): run `pulumi config set tiktokClientKey",
    ],
    [
      "a missing client secret",
      REQUIRED,
      null,
      "tiktok-auth0:tiktokClientSecret is required: run `pulumi config set --secret tiktokClientSecret <client secret from TikTok for Developers>`.",
    ],
    [
      "enabledClients that is not JSON",
      { ...REQUIRED, enabledClients: "abc,def" },
      SECRET,
      `tiktok-auth0:enabledClients must be a JSON list of strings, got "abc,def": run \`pulumi config set enabledClients '["<Auth0 application client ID>"]'\``,
    ],
    [
      "enabledClients that is JSON but not a list of strings",
      { ...REQUIRED, enabledClients: '[{"id":"abc"}]' },
      SECRET,
      'tiktok-auth0:enabledClients must be a JSON list of strings, got [{"id":"abc"}]: run `pulumi config set enabledClients',
    ],
    [
      "an empty client ID",
      { ...REQUIRED, enabledClients: '["abc",""]' },
      SECRET,
      "tiktok-auth0:enabledClients must not contain empty strings",
    ],
    [
      "a client ID listed twice",
      { ...REQUIRED, enabledClients: '["abc","abc"]' },
      SECRET,
      'tiktok-auth0:enabledClients lists "abc" twice: run `pulumi config set enabledClients',
    ],
    [
      "a client ID with whitespace",
      { ...REQUIRED, enabledClients: '["abc def"]' },
      SECRET,
      `tiktok-auth0:enabledClients contains "abc def", which is not an Auth0 client ID`,
    ],
    [
      "a connection name with two hyphens in a row",
      { ...REQUIRED, connectionName: "tik--tok" },
      SECRET,
      'tiktok-auth0:connectionName must be 1-128 characters of letters, digits and single hyphens, starting and ending with a letter or digit (Auth0\'s rule), got "tik--tok": run `pulumi config set connectionName TikTok`.',
    ],
    ["a connection name starting with a hyphen", { ...REQUIRED, connectionName: "-tiktok" }, SECRET, 'got "-tiktok"'],
    ["a connection name ending with a hyphen", { ...REQUIRED, connectionName: "tiktok-" }, SECRET, 'got "tiktok-"'],
    ["a connection name with an underscore", { ...REQUIRED, connectionName: "tik_tok" }, SECRET, 'got "tik_tok"'],
    [
      "a connection name of 129 characters",
      { ...REQUIRED, connectionName: "a".repeat(129) },
      SECRET,
      "tiktok-auth0:connectionName must be 1-128 characters",
    ],
    [
      "a display name of 129 characters",
      { ...REQUIRED, displayName: "a".repeat(129) },
      SECRET,
      "tiktok-auth0:displayName must be at most 128 characters, got 129: run `pulumi config set displayName TikTok`.",
    ],
    [
      "scopes that are not JSON",
      { ...REQUIRED, scopes: "user.info.basic,user.info.profile" },
      SECRET,
      `tiktok-auth0:scopes must be a JSON list of strings, got "user.info.basic,user.info.profile": run \`pulumi config set scopes '["user.info.basic","user.info.profile"]'\``,
    ],
    [
      "a scope TikTok's profile script does not know",
      { ...REQUIRED, scopes: '["user.info.basic","video.list"]' },
      SECRET,
      'tiktok-auth0:scopes contains "video.list"; allowed are user.info.basic, user.info.profile, user.info.stats',
    ],
    [
      "scopes without user.info.basic",
      { ...REQUIRED, scopes: '["user.info.profile"]' },
      SECRET,
      "tiktok-auth0:scopes must include user.info.basic: the profile script needs open_id and union_id",
    ],
    [
      "a retention CloudWatch does not offer",
      { ...REQUIRED, logRetentionDays: "31" },
      SECRET,
      'tiktok-auth0:logRetentionDays must be one of CloudWatch\'s retention periods in days (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653; keeping logs forever is not allowed), got "31": run `pulumi config set logRetentionDays 30`.',
    ],
    // CloudWatch's "never expire"; the policy pack refuses it, so the configuration does too.
    [
      "a retention of 0 (forever)",
      { ...REQUIRED, logRetentionDays: "0" },
      SECRET,
      "tiktok-auth0:logRetentionDays must be one of CloudWatch's retention periods in days (1, 3,",
    ],
    ["a retention that is not a number", { ...REQUIRED, logRetentionDays: "a month" }, SECRET, 'got "a month"'],
    [
      "too little memory",
      { ...REQUIRED, lambdaMemoryMb: "127" },
      SECRET,
      'tiktok-auth0:lambdaMemoryMb must be a whole number from 128 to 10240, got "127": run `pulumi config set lambdaMemoryMb <128-10240>`, or `pulumi config rm lambdaMemoryMb` for the default.',
    ],
    [
      "too much memory",
      { ...REQUIRED, lambdaMemoryMb: "10241" },
      SECRET,
      "lambdaMemoryMb must be a whole number from 128 to 10240",
    ],
    ["a fractional memory size", { ...REQUIRED, lambdaMemoryMb: "256.5" }, SECRET, 'got "256.5"'],
    [
      "a reserved concurrency of 0",
      { ...REQUIRED, reservedConcurrency: "0" },
      SECRET,
      'tiktok-auth0:reservedConcurrency must be a whole number of at least 1, got "0": run `pulumi config set reservedConcurrency 10`, or `pulumi config rm reservedConcurrency` for no reservation.',
    ],
    ["a negative reserved concurrency", { ...REQUIRED, reservedConcurrency: "-5" }, SECRET, 'got "-5"'],
    [
      "a TikTok deadline of 0 ms",
      { ...REQUIRED, tiktokTimeoutMs: "0" },
      SECRET,
      'tiktok-auth0:tiktokTimeoutMs must be a whole number from 1 to 30000, got "0": run `pulumi config set tiktokTimeoutMs <1-30000>`',
    ],
    ["a TikTok deadline above 30 s", { ...REQUIRED, tiktokTimeoutMs: "30001" }, SECRET, 'got "30001"'],
    ["a TikTok deadline with a unit", { ...REQUIRED, tiktokTimeoutMs: "5s" }, SECRET, 'got "5s"'],
    [
      "an alarm email that is not an address",
      { ...REQUIRED, alarmEmail: "oncall" },
      SECRET,
      'tiktok-auth0:alarmEmail must be one email address, got "oncall": run `pulumi config set alarmEmail oncall@example.com`, or `pulumi config rm alarmEmail` for no notifications.',
    ],
    [
      "two alarm emails",
      { ...REQUIRED, alarmEmail: "a@example.com, b@example.com" },
      SECRET,
      "tiktok-auth0:alarmEmail must be one email address",
    ],
    [
      "a runtime Lambda no longer offers for new functions",
      { ...REQUIRED, runtime: "nodejs20.x" },
      SECRET,
      'tiktok-auth0:runtime must be one of nodejs22.x, nodejs24.x, got "nodejs20.x": run `pulumi config set runtime nodejs22.x`.',
    ],
    [
      "a shared-secret slot other than a or b",
      { ...REQUIRED, activeSharedSecret: "c" },
      SECRET,
      'tiktok-auth0:activeSharedSecret must be a or b (the name of the shared-secret slot Auth0 sends, not a secret value), got "c": run `pulumi config set activeSharedSecret a`.',
    ],
    [
      "a shared-secret slot in capitals",
      { ...REQUIRED, activeSharedSecret: "B" },
      SECRET,
      "tiktok-auth0:activeSharedSecret must be a or b",
    ],
    [
      // Pasted into the key named after it by mistake: not echoed, since preview output lands in CI logs.
      "a secret value where the slot's name belongs",
      { ...REQUIRED, activeSharedSecret: "MockSecret0123456789abcdef" },
      SECRET,
      "tiktok-auth0:activeSharedSecret must be a or b (the name of the shared-secret slot Auth0 sends, not a secret value), got a value of 26 characters:",
    ],
    [
      "a misspelt key",
      { ...REQUIRED, tiktokClientkey: "awabc" },
      SECRET,
      "tiktok-auth0:tiktokClientkey is not a setting of this program (a typo?): known settings are tiktokClientKey, tiktokClientSecret, enabledClients, connectionName, displayName, scopes, logRetentionDays, lambdaMemoryMb, reservedConcurrency, tiktokTimeoutMs, alarmEmail, runtime, activeSharedSecret, adoptConnectionId, userIdField. Run `pulumi config rm tiktokClientkey`.",
    ],
    [
      "a connection name where the connection ID belongs",
      { ...REQUIRED, adoptConnectionId: "TikTok" },
      SECRET,
      'tiktok-auth0:adoptConnectionId must be an Auth0 connection ID (con_ followed by letters and digits), got "TikTok": copy it from the Auth0 dashboard',
    ],
    [
      "a connection ID with a stray character",
      { ...REQUIRED, adoptConnectionId: "con_abc 123" },
      SECRET,
      "tiktok-auth0:adoptConnectionId must be an Auth0 connection ID",
    ],
    [
      "a user-id field TikTok does not have",
      { ...REQUIRED, userIdField: "user_id" },
      SECRET,
      'tiktok-auth0:userIdField must be union_id or open_id, got "user_id": run `pulumi config set userIdField union_id`. Never change it once the connection has users',
    ],
  ];

  it.each(cases)("rejects %s", (_, values, secret, expected) => {
    const problems = problemsOf(values, secret);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it("never repeats a long activeSharedSecret value, which may be a pasted secret", () => {
    const [problem] = problemsOf({ ...REQUIRED, activeSharedSecret: "MockSecret0123456789abcdef" });
    expect(problem).not.toContain("MockSecret");
  });

  it.each(cases)("names the key and a command that fixes %s", (_, values, secret) => {
    const [problem] = problemsOf(values, secret);
    expect(problem).toMatch(/^tiktok-auth0:[A-Za-z]+ /);
    expect(problem).toMatch(/[Rr]un `pulumi config (set|rm) /);
  });
});

describe("auth0:domain, the one place a stack names its tenant", () => {
  function domainProblems(auth0Domain: string | undefined, auth0DomainEnvironment?: string): readonly string[] {
    try {
      parseStackConfig({ values: REQUIRED, tiktokClientSecret: SECRET, auth0Domain, auth0DomainEnvironment });
    } catch (err) {
      if (err instanceof StackConfigError) return err.problems;
      throw err;
    }
    return [];
  }

  it("accepts a tenant domain, and an AUTH0_DOMAIN that agrees with it in any case", () => {
    expect(domainProblems("acme-prod.eu.auth0.com")).toEqual([]);
    expect(domainProblems("login.acme.example", "LOGIN.acme.example")).toEqual([]);
    expect(domainProblems("acme-prod.eu.auth0.com", "https://acme-prod.eu.auth0.com/")).toEqual([]);
  });

  it("is required in the stack configuration, even when AUTH0_DOMAIN is set", () => {
    expect(domainProblems(undefined, "acme-prod.eu.auth0.com")).toEqual([
      "auth0:domain is required in the stack configuration, the one place this stack names its tenant: run `pulumi config set auth0:domain <tenant>.<region>.auth0.com` (Auth0 dashboard > Settings > Domain).",
    ]);
    expect(domainProblems("  ")).toHaveLength(1);
  });

  // Whether the example stack files still hold it is their owners' business (npm run check-stacks
  // reports it as "not configured yet"); the tests never read them.
  it("refuses the example tenant", () => {
    expect(AUTH0_DOMAIN_EXAMPLE).toBe("your-tenant.us.auth0.com");
    expect(domainProblems(AUTH0_DOMAIN_EXAMPLE)).toEqual([
      "auth0:domain is still the example tenant your-tenant.us.auth0.com that the example stack files ship with: run `pulumi config set auth0:domain <tenant>.<region>.auth0.com` (Auth0 dashboard > Settings > Domain).",
    ]);
  });

  it.each(["https://acme.eu.auth0.com", "acme.eu.auth0.com/", "acme.eu.auth0.com:443", "acme"])(
    "refuses %s, which is not a bare host name",
    (domain) => {
      expect(domainProblems(domain)).toEqual([expect.stringContaining("auth0:domain must be a bare host name")]);
    },
  );

  it("refuses an AUTH0_DOMAIN that names another tenant, which the stack configuration would silently override", () => {
    expect(domainProblems("acme-prod.eu.auth0.com", "acme-dev.eu.auth0.com")).toEqual([
      'The environment variable AUTH0_DOMAIN is "acme-dev.eu.auth0.com" but auth0:domain is "acme-prod.eu.auth0.com"; the stack configuration wins, so the variable only misleads whoever set it: unset AUTH0_DOMAIN (in CI, remove it from the workflow\'s env).',
    ]);
  });
});

describe("StackConfigError", () => {
  it("is a pulumi.RunError, which the CLI prints as its message alone, without a stack trace", () => {
    expect(pulumi.RunError.isInstance(new StackConfigError(["a problem"]))).toBe(true);
  });
});
