import { load } from "js-yaml";
import { AUTH0_DOMAIN_KEY, CONFIG_NAMESPACE, fullKey, validateStackConfig } from "../infra/config";

/**
 * The program's own validation (infra/config.ts), run over a committed `Pulumi.<stack>.yaml` without
 * the Pulumi CLI, so `npm test` and CI catch a mistyped key or an invalid value before any deploy.
 *
 * A stack file that still holds an example placeholder, or lacks a required value, is "not configured
 * yet": someone copied it and has not filled it in. That is a warning in `npm test` and a skipped
 * stack in CI's deploy plan; a value that is set and wrong is a mistake, and fails both.
 */

export type StackFileStatus = "configured" | "not-configured" | "mistakes";

export interface StackFileReport {
  file: string;
  status: StackFileStatus;
  /** Set values that are wrong: each names the file, the key and the fix. */
  mistakes: string[];
  /** Placeholders and missing values: why the stack is not configured yet. */
  notConfigured: string[];
}

/** Configuration namespaces this program or its providers read. */
const KNOWN_NAMESPACES: ReadonlySet<string> = new Set([CONFIG_NAMESPACE, "aws", "auth0", "random", "pulumi"]);

interface SecureValue {
  secure: string;
}

/** A `secure:` value, which `pulumi config set --secret` writes; the secrets scan reads it too. */
export function isSecure(value: unknown): value is SecureValue {
  return value !== null && typeof value === "object" && typeof (value as { secure?: unknown }).secure === "string";
}

/**
 * A value as the Pulumi CLI hands it to the program: strings as they are, numbers and booleans as
 * text, lists and maps as JSON (Pulumi's structured configuration).
 */
function asConfigText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** Checks one stack file's text; `file` is its name as messages show it (`Pulumi.dev.yaml`). */
export function checkStackFile(file: string, yamlText: string): StackFileReport {
  const report: StackFileReport = { file, status: "configured", mistakes: [], notConfigured: [] };
  const mistake = (message: string) => report.mistakes.push(`${file}: ${message}`);

  let document: unknown;
  try {
    document = load(yamlText, { filename: file });
  } catch (err) {
    mistake(`is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
    return finish(report);
  }
  if (document === null || document === undefined) document = {};
  if (typeof document !== "object" || Array.isArray(document)) {
    mistake("must be a YAML map with a `config:` section (see Pulumi.dev.yaml).");
    return finish(report);
  }
  const top = document as Record<string, unknown>;
  const rawConfig = top.config ?? {};
  if (rawConfig === null || typeof rawConfig !== "object" || Array.isArray(rawConfig)) {
    mistake("`config:` must be a map of keys to values (see Pulumi.dev.yaml).");
    return finish(report);
  }
  // Values may come from a Pulumi ESC environment instead (docs/operations.md): then a key missing
  // here is not missing, and only what the file itself sets can be checked.
  const usesEsc = top.environment !== undefined && top.environment !== null;

  const values: Record<string, string | undefined> = {};
  const encrypted = new Set<string>();
  let secretIsSet = false;
  let auth0Domain: string | undefined;
  for (const [rawKey, value] of Object.entries(rawConfig as Record<string, unknown>)) {
    // A bare key belongs to the project, as `pulumi config set` reads it.
    const key = rawKey.includes(":") ? rawKey : fullKey(rawKey);
    const [namespace = "", name = ""] = key.split(/:(.*)/s);
    if (!KNOWN_NAMESPACES.has(namespace)) {
      // Almost always a typo of tiktok-auth0, and then the real key counts as unset: the stack would
      // quietly become "not configured" and stop being deployed. So it is a mistake, not a note.
      mistake(
        `${key} is in the namespace "${namespace}", which neither this program nor its providers read ` +
          `(known: ${[...KNOWN_NAMESPACES].join(", ")}): correct the namespace, or run \`pulumi config rm ${key}\`.`,
      );
      continue;
    }
    if (key === AUTH0_DOMAIN_KEY) {
      auth0Domain = isSecure(value) ? undefined : asConfigText(value);
      if (isSecure(value)) encrypted.add(key);
      continue;
    }
    if (namespace !== CONFIG_NAMESPACE) continue;
    if (name === "tiktokClientSecret") {
      secretIsSet = asConfigText(isSecure(value) ? value.secure : value)?.trim() !== "";
      continue;
    }
    // An encrypted value of a plain setting is decrypted by the CLI only; its presence is all that shows.
    if (isSecure(value)) {
      encrypted.add(key);
      continue;
    }
    values[name] = asConfigText(value);
  }

  const { problems } = validateStackConfig({
    values,
    tiktokClientSecret: secretIsSet ? "<set>" : undefined,
    auth0Domain,
    // The file alone decides here; the environment of whoever runs `npm test` is not the stack's.
    auth0DomainEnvironment: undefined,
  });
  for (const problem of problems) {
    const naming = [...encrypted].some((key) => problem.message.startsWith(`${key} `));
    if (problem.kind === "invalid") mistake(problem.message);
    else if (problem.kind === "unset" && (usesEsc || naming)) continue;
    else report.notConfigured.push(`${file}: ${problem.message}`);
  }
  return finish(report);
}

function finish(report: StackFileReport): StackFileReport {
  report.status =
    report.mistakes.length > 0 ? "mistakes" : report.notConfigured.length > 0 ? "not-configured" : "configured";
  return report;
}
