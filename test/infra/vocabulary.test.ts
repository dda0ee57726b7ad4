import { validateStackConfig } from "../../infra/config";
import { componentWords, STACK_CONFIG_WORDS } from "../../component/vocabulary";

/**
 * One set of rules, two vocabularies: the same mistake is told to the stack's operator in
 * `pulumi config` words, and to a component caller in the words of their own program.
 */

const VALID = { tiktokClientKey: "awabc123def456" };

/** Every rule's refusal, one value each, as strings the way the stack config hands them over. */
const MISTAKES: Record<string, string> = {
  tiktokClientKey: "aw key with spaces",
  enabledClients: '["a b"]',
  connectionName: "Tik_Tok",
  displayName: "x".repeat(129),
  scopes: '["user.info.profile"]',
  logRetentionDays: "31",
  lambdaMemoryMb: "2.5",
  reservedConcurrency: "0",
  tiktokTimeoutMs: "40000",
  alarmEmail: "not-an-address",
  runtime: "nodejs20.x",
  activeSharedSecret: "c",
  adoptConnectionId: "12345",
  userIdField: "email",
};

function problems(values: Record<string, string>, words = componentWords("TikTokLogin"), secret?: string) {
  return validateStackConfig({
    values,
    tiktokClientSecret: secret,
    auth0Domain: undefined,
    auth0DomainEnvironment: undefined,
    vocabulary: words,
  }).problems;
}

describe("the component vocabulary", () => {
  it.each(Object.entries(MISTAKES))("names the input %s and a fix in the caller's own program", (key, value) => {
    const found = problems({ ...VALID, [key]: value }, componentWords("TikTokLogin"), "secret");
    expect(found).toHaveLength(1);
    const [problem] = found;
    expect(problem?.message).toMatch(new RegExp(`^TikTokLogin input ${key} `));
    expect(problem?.message).not.toMatch(/pulumi config|tiktok-auth0:|Pulumi\.<stack>\.yaml/);
  });

  it("asks for the secret as a secret, without pulumi config, and never checks auth0:domain (the caller's provider names the tenant)", () => {
    expect(problems(VALID).map((problem) => problem.message)).toEqual([
      "TikTokLogin input tiktokClientSecret is required: pass tiktokClientSecret, as a secret (for example from config.requireSecret, or config.require_secret in Python).",
    ]);
  });

  it("shows values as code: strings quoted, lists as JSON, and refuses a fraction that a generated SDK's float allows", () => {
    const [scopes] = problems({ ...VALID, scopes: '["user.info.profile"]' }, componentWords("TikTokLogin"), "s");
    expect(scopes?.message).toContain('set scopes to ["user.info.basic","user.info.profile"]');
    const [name] = problems({ ...VALID, connectionName: "Tik_Tok" }, componentWords("TikTokLogin"), "s");
    expect(name?.message).toContain('set connectionName to "TikTok"');
    const [memory] = problems({ ...VALID, lambdaMemoryMb: "2.5" }, componentWords("TikTokLogin"), "s");
    expect(memory?.message).toBe(
      'TikTokLogin input lambdaMemoryMb must be a whole number from 128 to 10240, got "2.5": set lambdaMemoryMb to <128-10240>, or leave lambdaMemoryMb out for the default.',
    );
  });
});

describe("the stack vocabulary", () => {
  it.each(Object.entries(MISTAKES))("names tiktok-auth0:%s and a pulumi config command", (key, value) => {
    const found = validateStackConfig({
      values: { ...VALID, [key]: value },
      tiktokClientSecret: "secret",
      auth0Domain: "acme.eu.auth0.com",
      auth0DomainEnvironment: undefined,
      vocabulary: STACK_CONFIG_WORDS,
    }).problems;
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(new RegExp(`^tiktok-auth0:${key} `));
    expect(found[0]?.message).toMatch(/run `pulumi config (set|rm) /);
  });
});
