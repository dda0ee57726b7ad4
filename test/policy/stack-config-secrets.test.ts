import fs from "node:fs";
import path from "node:path";
import { isSecure } from "../../scripts/stack-files";
import { parseYaml } from "../workflows/yaml";

/**
 * The half of "the TikTok client secret is never plain config" that no policy can check:
 * CrossGuard policies see resource properties with secrets already decrypted and unmarked, and never
 * see stack configuration (pulumi/pulumi-policy#241). So the committed stack files are checked here,
 * in CI, instead: a key that names a secret must hold a `secure:` value (`pulumi config set --secret`).
 */

const REPO_ROOT = path.resolve(__dirname, "../..");

/** Keys whose value is a credential, by their last word: tiktokClientSecret, auth0:clientSecret, dbPassword, apiToken... */
const SECRET_KEY = /(secret|password|passphrase|privatekey|apikey|accesskey|token)$/;

/**
 * Keys whose last word says "secret" but whose value is not one: activeSharedSecret names the
 * shared-secret slot Auth0 sends ("a" or "b"); the secrets themselves live in Pulumi state.
 */
const NOT_SECRET_KEYS: ReadonlySet<string> = new Set(["tiktok-auth0:activeSharedSecret"]);

function isSecretKey(key: string): boolean {
  if (NOT_SECRET_KEYS.has(key)) return false;
  const lastSegment = key.split(":").pop() ?? key;
  return SECRET_KEY.test(lastSegment.toLowerCase().replace(/[-_.]/g, ""));
}

/**
 * Where a stack file (`config:` of Pulumi.<stack>.yaml) or the project file (`config:` of
 * Pulumi.yaml, whose entries may carry a `default`) holds a secret in plain text.
 */
function plainTextSecrets(yamlText: string, filename = "<inline>"): string[] {
  const document = parseYaml(yamlText, filename);
  if (document === null || typeof document !== "object") return [];
  const config = (document as { config?: unknown }).config;
  const problems: string[] = [];
  const walk = (value: unknown, at: string, secretContext: boolean): void => {
    if (isSecure(value) || value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${at}[${index}]`, secretContext));
      return;
    }
    if (typeof value === "object") {
      const entries = Object.entries(value);
      // In Pulumi.yaml a config entry may be a schema, { type, description, secret, default }: only its default is a value.
      if (typeof (value as { type?: unknown }).type === "string") {
        if ("default" in value) walk(value.default, `${at}.default`, secretContext);
        return;
      }
      for (const [key, item] of entries) walk(item, `${at}.${key}`, secretContext || isSecretKey(key));
      return;
    }
    const text =
      typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "";
    if (secretContext && text.trim() !== "") problems.push(`${at} is a secret in plain text`);
  };
  if (config !== null && typeof config === "object") {
    for (const [key, value] of Object.entries(config as Record<string, unknown>)) walk(value, key, isSecretKey(key));
  }
  return problems;
}

/**
 * The Auth0 provider's credentials, when a stack file sets them. Stack config wins over
 * AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET, so credentials committed in the file (the deploy
 * application's, typically) would silently replace the read-only ones CI's previews and drift checks
 * get from their GitHub Environment. They come from the environment only, even when encrypted.
 */
const AUTH0_CREDENTIAL_KEYS: readonly string[] = ["auth0:clientId", "auth0:clientSecret"];

function committedAuth0Credentials(yamlText: string, filename = "<inline>"): string[] {
  const document = parseYaml(yamlText, filename);
  if (document === null || typeof document !== "object") return [];
  const config = (document as { config?: unknown }).config;
  if (config === null || typeof config !== "object") return [];
  return Object.keys(config).filter((key) => AUTH0_CREDENTIAL_KEYS.includes(key));
}

/** What `pulumi config set auth0:clientId abcDEF123` does to a stack file's text. */
function withClientId(text: string): string {
  const config = /^config:[ \t]*\r?\n/m;
  if (config.test(text)) return text.replace(config, (line) => `${line}  auth0:clientId: abcDEF123\n`);
  return `${text.endsWith("\n") ? text : `${text}\n`}config:\n  auth0:clientId: abcDEF123\n`;
}

function pulumiFiles(): string[] {
  return fs
    .readdirSync(REPO_ROOT)
    .filter((file) => /^Pulumi(\.[^.]+)?\.ya?ml$/.test(file))
    .sort();
}

describe("secrets in the committed Pulumi configuration", () => {
  it("are all encrypted (secure:) in Pulumi.yaml and every Pulumi.<stack>.yaml of the repository", () => {
    const files = pulumiFiles();
    expect(files).toContain("Pulumi.yaml");
    const problems = files.flatMap((file) =>
      plainTextSecrets(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"), file).map(
        (problem) => `${file}: ${problem}`,
      ),
    );
    expect(problems).toEqual([]);
  });

  it("are found when tiktokClientSecret or auth0:clientSecret is written in plain text", () => {
    const stack = [
      "config:",
      "  aws:region: us-east-1",
      "  tiktok-auth0:tiktokClientKey: awtestclientkey123",
      "  tiktok-auth0:tiktokClientSecret: 0123456789abcdef",
      "  auth0:clientSecret: plain",
      "  auth0:clientId: not-a-secret",
    ].join("\n");
    expect(plainTextSecrets(stack)).toEqual([
      "tiktok-auth0:tiktokClientSecret is a secret in plain text",
      "auth0:clientSecret is a secret in plain text",
    ]);
  });

  it("are accepted as secure: values, which is what `pulumi config set --secret` writes", () => {
    const stack = [
      "config:",
      "  tiktok-auth0:tiktokClientSecret:",
      "    secure: v1:abcdEFGH:ijklMNOP==",
      "  tiktok-auth0:tiktokTimeoutMs: 5000",
      "  tiktok-auth0:tokenUrl: https://example.com/proxy/token",
    ].join("\n");
    expect(plainTextSecrets(stack)).toEqual([]);
  });

  it("are found inside structured config and in a project-level default", () => {
    const stack = ["config:", "  app:database:", "    host: db.example.com", "    password: hunter2"].join("\n");
    expect(plainTextSecrets(stack)).toEqual(["app:database.password is a secret in plain text"]);
    const project = ["name: p", "config:", "  tiktokClientSecret:", "    type: string", "    default: abc123"].join(
      "\n",
    );
    expect(plainTextSecrets(project)).toEqual(["tiktokClientSecret.default is a secret in plain text"]);
  });

  it("tell secret keys from others by their last word", () => {
    expect(
      ["tiktok-auth0:tiktokClientSecret", "auth0:clientSecret", "db_password", "apiToken", "auth0:client_secret"].every(
        isSecretKey,
      ),
    ).toBe(true);
    expect(
      ["tiktok-auth0:tiktokClientKey", "tiktokTimeoutMs", "tokenUrl", "auth0:clientId", "secretsprovider:x"].some(
        isSecretKey,
      ),
    ).toBe(false);
  });

  it("let a stack file name its active shared-secret slot in plain text, which is what `pulumi config set activeSharedSecret b` writes", () => {
    const stack = ["config:", "  tiktok-auth0:activeSharedSecret: b", "  tiktok-auth0:proxySharedSecret: plain"].join(
      "\n",
    );
    // Only the exact key is exempt: any other *SharedSecret key is still a secret.
    expect(plainTextSecrets(stack)).toEqual(["tiktok-auth0:proxySharedSecret is a secret in plain text"]);
  });
});

describe("the Auth0 credentials Pulumi uses", () => {
  const stackFiles = () => pulumiFiles().filter((file) => file !== "Pulumi.yaml" && file !== "Pulumi.yml");

  it("are in no committed Pulumi.<stack>.yaml: they come from AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET", () => {
    // Which stack files exist is their owners' choice; that there is one keeps the scan from being vacuous.
    expect(stackFiles().length).toBeGreaterThan(0);
    const found = stackFiles().flatMap((file) =>
      committedAuth0Credentials(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"), file).map(
        (key) => `${file}: ${key} overrides CI's AUTH0_CLIENT_ID/AUTH0_CLIENT_SECRET; remove it`,
      ),
    );
    expect(found).toEqual([]);
  });

  it("are found in a stack file that sets them, plain or encrypted, and only them", () => {
    const stack = [
      "config:",
      "  auth0:domain: example.eu.auth0.com",
      "  auth0:clientId: abcDEF123",
      "  auth0:clientSecret:",
      "    secure: v1:abcdEFGH:ijklMNOP==",
      "  tiktok-auth0:tiktokClientKey: awtestclientkey123",
    ].join("\n");
    expect(committedAuth0Credentials(stack)).toEqual(["auth0:clientId", "auth0:clientSecret"]);
    expect(committedAuth0Credentials("config:\n  auth0:domain: example.eu.auth0.com\n")).toEqual([]);
  });

  it("are found in a copy of each of the repository's stack files with `pulumi config set auth0:clientId` applied", () => {
    for (const file of stackFiles()) {
      const text = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
      expect({ file, found: committedAuth0Credentials(withClientId(text), file) }).toEqual({
        file,
        found: ["auth0:clientId"],
      });
    }
  });

  it("are found whatever the stack file looks like: CRLF line endings, or no config: at all (only an ESC environment)", () => {
    const crlf = "config:\r\n  auth0:domain: acme.eu.auth0.com\r\n";
    const escOnly = "environment:\n  - tiktok-auth0/prod\n";
    for (const text of [crlf, escOnly]) {
      expect(committedAuth0Credentials(withClientId(text))).toEqual(["auth0:clientId"]);
    }
  });
});
