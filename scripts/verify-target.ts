import type { VerifyTarget } from "./verify-checks";

/**
 * Turns what `pulumi stack output --json --show-secrets` and `pulumi config --json --show-secrets`
 * print into the checks' target. Pure: text in, target out, or one error listing every problem with
 * the command that fixes it.
 */

export interface TargetOptions {
  /** --client-id: overrides the first of tiktok-auth0:enabledClients. */
  clientId?: string;
  /** --redirect-uri or VERIFY_REDIRECT_URI. */
  redirectUri?: string;
}

export class StackReadError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Cannot verify this stack:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "StackReadError";
  }
}

/** One entry of `pulumi config --json`; `value` is absent for a secret unless --show-secrets was passed. */
interface ConfigEntry {
  value?: string;
  secret?: boolean;
  objectValue?: unknown;
}

const DEFAULT_SCOPES = ["user.info.basic"];

export function verifyTargetFromPulumi(
  stackOutputJson: string,
  configJson: string,
  options: TargetOptions = {},
): VerifyTarget {
  const problems: string[] = [];
  const outputs = parseObject(stackOutputJson, "pulumi stack output --json", problems);
  const config = parseObject(configJson, "pulumi config --json", problems);
  if (outputs === undefined || config === undefined) throw new StackReadError(problems);

  const output = (name: string, fix: string): string => {
    const value = outputs[name];
    if (typeof value !== "string" || value === "") {
      problems.push(`The stack has no ${name} output: ${fix}.`);
      return "";
    }
    if (value === "[secret]") problems.push(`The ${name} output is masked as [secret]: read it with --show-secrets.`);
    return value;
  };
  const deployFix = "run `pulumi up` with this version of the program";
  const tokenUrl = output("tokenUrl", deployFix);
  const connectionName = output("connectionName", deployFix);
  const sharedSecret = output("proxySharedSecret", `${deployFix} (the output was added for npm run verify)`);

  const entry = (key: string): ConfigEntry | undefined => {
    const value = config[key];
    return value !== null && typeof value === "object" ? value : undefined;
  };
  const requiredValue = (key: string, fix: string): string => {
    const found = entry(key);
    if (found?.value === undefined || found.value === "") {
      problems.push(
        found?.secret ? `${key} is set but its value was not shown: ${fix}.` : `${key} is not set: ${fix}.`,
      );
      return "";
    }
    return found.value;
  };
  const tiktokClientKey = requiredValue(
    "tiktok-auth0:tiktokClientKey",
    "run `pulumi config set tiktokClientKey <client key>`",
  );
  const tiktokClientSecret = requiredValue(
    "tiktok-auth0:tiktokClientSecret",
    "run `pulumi config set --secret tiktokClientSecret <client secret>`, " +
      "and check that the stack's secrets can be decrypted (PULUMI_CONFIG_PASSPHRASE)",
  );

  // The stack file is the one source of the tenant, as for the program (infra/config.ts): no AUTH0_DOMAIN.
  const domain = entry("auth0:domain")?.value || "";
  const auth0BaseUrl = domain === "" ? "" : auth0BaseUrlFrom(domain);
  if (domain === "")
    problems.push("auth0:domain is not set: run `pulumi config set auth0:domain <tenant>.us.auth0.com`.");
  else if (auth0BaseUrl === "") problems.push(`auth0:domain "${domain}" is not a domain name.`);

  const enabledClients =
    stringList(entry("tiktok-auth0:enabledClients"), "tiktok-auth0:enabledClients", problems) ?? [];
  const scopes = stringList(entry("tiktok-auth0:scopes"), "tiktok-auth0:scopes", problems) ?? DEFAULT_SCOPES;

  if (problems.length > 0) throw new StackReadError(problems);
  return {
    tokenUrl,
    sharedSecret,
    tiktokClientKey,
    tiktokClientSecret,
    auth0BaseUrl,
    connectionName,
    clientId: options.clientId ?? enabledClients[0],
    redirectUri: options.redirectUri,
    scopes,
  };
}

/** `tenant.us.auth0.com` becomes https://tenant.us.auth0.com; a URL keeps its scheme (a local stand-in in tests). "" if neither. */
export function auth0BaseUrlFrom(domain: string): string {
  const trimmed = domain.trim().replace(/\/+$/, "");
  try {
    const url = new URL(/^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
    return url.pathname === "/" && url.search === "" ? url.origin : "";
  } catch {
    return "";
  }
}

function parseObject(text: string, source: string, problems: string[]): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Reported below, with what was printed.
  }
  problems.push(`\`${source}\` did not print a JSON object: ${JSON.stringify(text.slice(0, 200))}.`);
  return undefined;
}

/** A list setting, set either as a YAML list (objectValue) or as JSON text (`pulumi config set key '[...]'`). */
function stringList(found: ConfigEntry | undefined, key: string, problems: string[]): string[] | undefined {
  if (found === undefined) return undefined;
  let list: unknown = found.objectValue;
  if (list === undefined && found.value !== undefined) {
    try {
      list = JSON.parse(found.value);
    } catch {
      list = undefined;
    }
  }
  if (!Array.isArray(list) || !list.every((item): item is string => typeof item === "string")) {
    problems.push(`${key} is not a list of strings: ${JSON.stringify(found.value ?? found.objectValue)}.`);
    return undefined;
  }
  return list;
}
