import * as pulumi from "@pulumi/pulumi";
import { capitalized, CONFIG_NAMESPACE, fullKey, STACK_CONFIG_WORDS, Vocabulary } from "./vocabulary";

export { CONFIG_NAMESPACE, fullKey, STACK_CONFIG_WORDS };

/**
 * The stack's own settings (`tiktok-auth0:*`), read and validated once, at program start, so a
 * mistake fails `pulumi preview` with a message that says how to fix it instead of failing deep
 * inside a provider halfway through `pulumi up`.
 *
 * Provider settings (`aws:region`, `auth0:clientId`, `auth0:clientSecret`) belong to the providers
 * and are not read here. `auth0:domain` is the one exception: it decides which tenant, and so which
 * users, a `pulumi up` touches, so it must be in the stack file, must not be the example, and must not
 * be contradicted by an `AUTH0_DOMAIN` environment variable.
 */

// Each fixed list is an object `as const` and a type of the same name, declared in that order: the
// shape Pulumi's schema inference turns into an enum for callers in every language (a union of
// string literals would be refused). The object's order is the documented one.

/** A TikTok Login Kit scope the profile script can use. */
export const TikTokScope = {
  UserInfoBasic: "user.info.basic",
  UserInfoProfile: "user.info.profile",
  UserInfoStats: "user.info.stats",
} as const;
export type TikTokScope = (typeof TikTokScope)[keyof typeof TikTokScope];
export const TIKTOK_SCOPES: readonly TikTokScope[] = Object.values(TikTokScope);
/** The profile script needs `open_id` and `union_id`, which only this scope grants. */
export const REQUIRED_SCOPE: TikTokScope = "user.info.basic";

/**
 * Which TikTok ID becomes the Auth0 `user_id`. `union_id` is the same for one person across every
 * app of a TikTok developer account; `open_id` differs per app. Fixed for the life of a connection:
 * users are stored as `oauth2|<connection>|<user_id>`, so a change creates every returning user again.
 */
export const UserIdField = { UnionId: "union_id", OpenId: "open_id" } as const;
export type UserIdField = (typeof UserIdField)[keyof typeof UserIdField];
export const USER_ID_FIELDS: readonly UserIdField[] = Object.values(UserIdField);

/** The Lambda runtimes the proxy is tested on. */
export const LambdaRuntime = { Nodejs22: "nodejs22.x", Nodejs24: "nodejs24.x" } as const;
export type LambdaRuntime = (typeof LambdaRuntime)[keyof typeof LambdaRuntime];
export const LAMBDA_RUNTIMES: readonly LambdaRuntime[] = Object.values(LambdaRuntime);

/**
 * The retention periods CloudWatch Logs accepts. Its 0 ("never expire") is left out on purpose: the
 * policy pack (log-groups-have-retention) refuses log groups that keep request logs forever.
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * The two shared-secret slots (infra/program.ts): the proxy accepts both, Auth0 sends the active one.
 * Two, so one can be regenerated while Auth0 keeps sending the other.
 */
export const SharedSecretSlot = { A: "a", B: "b" } as const;
export type SharedSecretSlot = (typeof SharedSecretSlot)[keyof typeof SharedSecretSlot];
export const SHARED_SECRET_SLOTS: readonly SharedSecretSlot[] = Object.values(SharedSecretSlot);

/** What an example enabled-clients list holds. */
const ENABLED_CLIENT_PLACEHOLDER = "<Auth0 application client ID>";
/** The value the example stack files ship with; deploying it would only fail later, at TikTok. */
export const CLIENT_KEY_PLACEHOLDER = "<client key from TikTok for Developers>";
/** The example tenant the example stack files ship with; the real one must replace it. */
export const AUTH0_DOMAIN_EXAMPLE = "your-tenant.us.auth0.com";
export const AUTH0_DOMAIN_KEY = "auth0:domain";

export const DEFAULTS = {
  enabledClients: [] as string[],
  connectionName: "TikTok",
  displayName: "TikTok",
  scopes: [REQUIRED_SCOPE] as TikTokScope[],
  logRetentionDays: 30,
  lambdaMemoryMb: 256,
  tiktokTimeoutMs: 5000,
  runtime: "nodejs22.x" as LambdaRuntime,
  activeSharedSecret: "a" as SharedSecretSlot,
  userIdField: "union_id" as UserIdField,
} as const;

export const LIMITS = {
  lambdaMemoryMb: { min: 128, max: 10240 },
  // Above 30 s Auth0, which gives each hop about 10 s, has long given up anyway.
  tiktokTimeoutMs: { min: 1, max: 30_000 },
  connectionName: { maxLength: 128 },
  displayName: { maxLength: 128 },
} as const;

/** Every key this program reads, without the `tiktok-auth0:` namespace. */
export const CONFIG_KEYS = [
  "tiktokClientKey",
  "tiktokClientSecret",
  "enabledClients",
  "connectionName",
  "displayName",
  "scopes",
  "logRetentionDays",
  "lambdaMemoryMb",
  "reservedConcurrency",
  "tiktokTimeoutMs",
  "alarmEmail",
  "runtime",
  "activeSharedSecret",
  "adoptConnectionId",
  "userIdField",
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/**
 * The validated settings. `TSecret` is how the client secret travels: a secret `Output` in the
 * program, a plain string in tests of the validation.
 */
export interface StackConfig<TSecret = pulumi.Output<string>> {
  tiktokClientKey: string;
  tiktokClientSecret: TSecret;
  /** Auth0 application client IDs the connection is enabled for; this list owns them all. */
  enabledClients: string[];
  connectionName: string;
  displayName: string;
  /** Always includes `user.info.basic`, in TikTok's documented order, without duplicates. */
  scopes: TikTokScope[];
  logRetentionDays: number;
  lambdaMemoryMb: number;
  /** `undefined`: the function shares the account's unreserved concurrency. */
  reservedConcurrency: number | undefined;
  tiktokTimeoutMs: number;
  /** `undefined`: alarms exist, but nobody is notified. */
  alarmEmail: string | undefined;
  runtime: LambdaRuntime;
  /** The slot whose secret Auth0 sends in `x-proxy-secret`; the proxy accepts both slots. */
  activeSharedSecret: SharedSecretSlot;
  /** A live connection (`con_…`) to adopt in this `pulumi up`; `undefined`: nothing is imported. */
  adoptConnectionId: string | undefined;
  /** The TikTok field the profile script returns as `user_id`. */
  userIdField: UserIdField;
}

/** Settings as Pulumi hands them over: strings, with lists as JSON text. */
export interface RawStackConfig<TSecret> {
  /** Every `tiktok-auth0:*` value except the secret, keyed without the namespace. */
  values: Readonly<Partial<Record<ConfigKey, string | undefined>> & Record<string, string | undefined>>;
  tiktokClientSecret: TSecret | undefined;
  /** `auth0:domain` from the stack config. */
  auth0Domain: string | undefined;
  /** The `AUTH0_DOMAIN` environment variable, which the Auth0 provider would read if the config had none. */
  auth0DomainEnvironment: string | undefined;
  /** How messages name settings and fixes; the stack's `pulumi config` words by default. */
  vocabulary?: Vocabulary;
}

/**
 * A `pulumi.RunError`, so the Pulumi CLI prints the message alone: a configuration mistake is not a
 * crash, and a stack trace would hide the one line that says what to run.
 */
export class StackConfigError extends pulumi.RunError {
  constructor(
    readonly problems: readonly string[],
    subject = STACK_CONFIG_WORDS.subject,
  ) {
    super(
      `${subject} ${problems.length === 1 ? "has a problem" : `has ${problems.length} problems`}:\n` +
        problems.map((problem) => `  - ${problem}`).join("\n"),
    );
    this.name = "StackConfigError";
  }
}

/**
 * Validates every setting and applies the defaults. Reports all problems at once, each naming its
 * key and the command that fixes it.
 */
export function parseStackConfig<TSecret>(raw: RawStackConfig<TSecret>): StackConfig<TSecret> {
  const { config, problems } = validateStackConfig(raw);
  if (config === undefined) {
    const subject = (raw.vocabulary ?? STACK_CONFIG_WORDS).subject;
    throw new StackConfigError(
      problems.map((problem) => problem.message),
      subject,
    );
  }
  return config;
}

/**
 * Why a setting was refused. `unset` and `placeholder` mean "not configured yet" (a stack file copied
 * from the examples and not filled in); `invalid` is a mistake in a value that was set.
 */
export type ConfigProblemKind = "unset" | "placeholder" | "invalid";

export interface ConfigProblem {
  kind: ConfigProblemKind;
  /** Names the key and the command that fixes it. */
  message: string;
}

/**
 * The rules behind {@link parseStackConfig}, returning every problem with its kind instead of
 * throwing; `config` is set only when there is none. The stack-file check (scripts/check-stacks.ts)
 * uses the kinds to tell a stack that is not configured yet from one with a mistake.
 */
export function validateStackConfig<TSecret>(raw: RawStackConfig<TSecret>): {
  config: StackConfig<TSecret> | undefined;
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  const v = raw.values;
  const words = raw.vocabulary ?? STACK_CONFIG_WORDS;
  const r: Report = {
    fail: (message, kind = "invalid") => {
      problems.push({ kind, message });
    },
    words,
  };
  const fail = r.fail;

  for (const key of Object.keys(v)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      fail(
        `${words.key(key)} is not a setting of this program (a typo?): known settings are ${CONFIG_KEYS.join(", ")}. ` +
          `${capitalized(words.remove(key))}.`,
      );
    }
  }

  const tiktokClientKey = parseClientKey(present(v.tiktokClientKey), r);
  const secret = raw.tiktokClientSecret;
  if (secret === undefined) {
    fail(
      `${words.key("tiktokClientSecret")} is required: ` +
        `${words.setSecret("tiktokClientSecret", "<client secret from TikTok for Developers>")}.`,
      "unset",
    );
  }
  const config = {
    tiktokClientKey,
    enabledClients: parseEnabledClients(present(v.enabledClients), r),
    connectionName: parseConnectionName(present(v.connectionName), r),
    displayName: parseDisplayName(present(v.displayName), r),
    scopes: parseScopes(present(v.scopes), r),
    logRetentionDays: parseLogRetentionDays(present(v.logRetentionDays), r),
    lambdaMemoryMb:
      parseWholeNumber("lambdaMemoryMb", present(v.lambdaMemoryMb), LIMITS.lambdaMemoryMb, r) ??
      DEFAULTS.lambdaMemoryMb,
    reservedConcurrency: parseReservedConcurrency(present(v.reservedConcurrency), r),
    tiktokTimeoutMs:
      parseWholeNumber("tiktokTimeoutMs", present(v.tiktokTimeoutMs), LIMITS.tiktokTimeoutMs, r) ??
      DEFAULTS.tiktokTimeoutMs,
    alarmEmail: parseAlarmEmail(present(v.alarmEmail), r),
    runtime: parseOneOf(
      "runtime",
      LAMBDA_RUNTIMES,
      `one of ${LAMBDA_RUNTIMES.join(", ")}`,
      DEFAULTS.runtime,
      present(v.runtime),
      r,
    ),
    activeSharedSecret: parseActiveSharedSecret(present(v.activeSharedSecret), r),
    adoptConnectionId: parseAdoptConnectionId(present(v.adoptConnectionId), r),
    userIdField: parseOneOf(
      "userIdField",
      USER_ID_FIELDS,
      USER_ID_FIELDS.join(" or "),
      DEFAULTS.userIdField,
      present(v.userIdField),
      r,
      " Never change it once the connection has users: every returning user would be created again.",
    ),
  };
  // The tenant is the provider's business for a component; the stack names it in its file.
  if (words.checksTenant) checkAuth0Domain(present(raw.auth0Domain), present(raw.auth0DomainEnvironment), fail);

  if (problems.length > 0 || secret === undefined) return { config: undefined, problems };
  return { config: { ...config, tiktokClientSecret: secret }, problems };
}

/** Reports one problem: {@link validateStackConfig}'s list, in the words of whoever set the values. */
interface Report {
  fail: (problem: string, kind?: ConfigProblemKind) => void;
  words: Vocabulary;
}

/** `pulumi config set key ""` means "unset", not "empty": every key here has a default or is required. */
export function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function parseClientKey(value: string | undefined, r: Report): string {
  const key = r.words.key("tiktokClientKey");
  const fix = r.words.set("tiktokClientKey", { placeholder: CLIENT_KEY_PLACEHOLDER });
  if (value === undefined) {
    r.fail(`${key} is required: ${fix}.`, "unset");
    return "";
  }
  if (value === CLIENT_KEY_PLACEHOLDER) {
    r.fail(
      `${key} is still the placeholder ${CLIENT_KEY_PLACEHOLDER} that the example stack files ship with: ${fix}.`,
      "placeholder",
    );
  } else if (/\s/.test(value)) {
    // TikTok client keys look like `aw` followed by alphanumerics; whitespace is always a copy-paste accident.
    r.fail(`${key} must not contain whitespace (a copy-paste accident?): ${fix}.`);
  }
  return value;
}

/** Parses a JSON list of non-empty strings; `undefined` after reporting a problem. */
function parseStringList(key: ConfigKey, value: string, example: readonly string[], r: Report): string[] | undefined {
  const fix = r.words.setList(key, example);
  const name = r.words.key(key);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    r.fail(`${name} must be a JSON list of strings, got "${value}": ${fix}.`);
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((item): item is string => typeof item === "string")) {
    r.fail(`${name} must be a JSON list of strings, got ${value}: ${fix}.`);
    return undefined;
  }
  if (parsed.some((item) => item.trim() === "")) {
    r.fail(`${name} must not contain empty strings, got ${value}: ${fix}.`);
    return undefined;
  }
  const duplicate = parsed.find((item, index) => parsed.indexOf(item) !== index);
  if (duplicate !== undefined) {
    r.fail(`${name} lists "${duplicate}" twice: ${fix}.`);
    return undefined;
  }
  return parsed;
}

function parseEnabledClients(value: string | undefined, r: Report): string[] {
  if (value === undefined) return [...DEFAULTS.enabledClients];
  const clients = parseStringList("enabledClients", value, [ENABLED_CLIENT_PLACEHOLDER], r);
  if (clients === undefined) return [];
  const malformed = clients.find((client) => /\s/.test(client));
  if (malformed !== undefined) {
    r.fail(
      `${r.words.key("enabledClients")} contains "${malformed}", which is not an Auth0 client ID (they have no whitespace): ` +
        "copy the Client ID from the application's Settings tab in the Auth0 dashboard and " +
        `${r.words.set("enabledClients", ["<client ID>"])}.`,
    );
  }
  return clients;
}

// Auth0's rule for connection names: alphanumerics and single hyphens, starting and ending with an alphanumeric.
const CONNECTION_NAME = /^[A-Za-z0-9](?:-?[A-Za-z0-9])*$/;

function parseConnectionName(value: string | undefined, r: Report): string {
  if (value === undefined) return DEFAULTS.connectionName;
  if (value.length > LIMITS.connectionName.maxLength || !CONNECTION_NAME.test(value)) {
    r.fail(
      `${r.words.key("connectionName")} must be 1-${LIMITS.connectionName.maxLength} characters of letters, digits and single hyphens, ` +
        `starting and ending with a letter or digit (Auth0's rule), got "${value}": ${r.words.set("connectionName", "TikTok")}. ` +
        "Renaming a connection replaces it, and its users with it.",
    );
  }
  return value;
}

function parseDisplayName(value: string | undefined, r: Report): string {
  if (value === undefined) return DEFAULTS.displayName;
  if (value.length > LIMITS.displayName.maxLength) {
    r.fail(
      `${r.words.key("displayName")} must be at most ${LIMITS.displayName.maxLength} characters, got ${value.length}: ` +
        `${r.words.set("displayName", "TikTok")}.`,
    );
  }
  return value;
}

function parseScopes(value: string | undefined, r: Report): TikTokScope[] {
  if (value === undefined) return [...DEFAULTS.scopes];
  const example = ["user.info.basic", "user.info.profile"];
  const fix = r.words.set("scopes", example);
  const name = r.words.key("scopes");
  const scopes = parseStringList("scopes", value, example, r);
  if (scopes === undefined) return [...DEFAULTS.scopes];
  const unknown = scopes.filter((scope) => !(TIKTOK_SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) {
    r.fail(
      `${name} contains ${unknown.map((s) => `"${s}"`).join(", ")}; allowed are ${TIKTOK_SCOPES.join(", ")} ` +
        `(the profile script reads only these): ${fix}.`,
    );
  }
  if (!scopes.includes(REQUIRED_SCOPE)) {
    r.fail(
      `${name} must include ${REQUIRED_SCOPE}: the profile script needs open_id and union_id, which only it grants: ${fix}.`,
    );
  }
  // A fixed order keeps the connection's scope string stable, so reordering the list is not a diff.
  return TIKTOK_SCOPES.filter((scope) => scopes.includes(scope));
}

function parseLogRetentionDays(value: string | undefined, r: Report): number {
  if (value === undefined) return DEFAULTS.logRetentionDays;
  const days = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    r.fail(
      `${r.words.key("logRetentionDays")} must be one of CloudWatch's retention periods in days (${LOG_RETENTION_DAYS.join(", ")}; ` +
        "keeping logs forever is not allowed), " +
        `got "${value}": ${r.words.set("logRetentionDays", DEFAULTS.logRetentionDays)}.`,
    );
    return DEFAULTS.logRetentionDays;
  }
  return days;
}

function parseWholeNumber(
  key: ConfigKey,
  value: string | undefined,
  range: { min: number; max: number },
  r: Report,
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < range.min || parsed > range.max) {
    r.fail(
      `${r.words.key(key)} must be a whole number from ${range.min} to ${range.max}, got "${value}": ` +
        `${r.words.set(key, { placeholder: `<${range.min}-${range.max}>` })}, or ${r.words.unset(key)} for the default.`,
    );
    return undefined;
  }
  return parsed;
}

function parseReservedConcurrency(value: string | undefined, r: Report): number | undefined {
  if (value === undefined) return undefined;
  const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 1) {
    r.fail(
      `${r.words.key("reservedConcurrency")} must be a whole number of at least 1, got "${value}": ` +
        `${r.words.set("reservedConcurrency", 10)}, or ${r.words.unset("reservedConcurrency")} for no reservation.`,
    );
    return undefined;
  }
  return parsed;
}

function parseAlarmEmail(value: string | undefined, r: Report): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    r.fail(
      `${r.words.key("alarmEmail")} must be one email address, got "${value}": ` +
        `${r.words.set("alarmEmail", "oncall@example.com")}, or ${r.words.unset("alarmEmail")} for no notifications.`,
    );
    return undefined;
  }
  return value;
}

/**
 * One of a fixed list, or its default after reporting the problem. `listed` says the list the way the
 * message reads best ("a, b" or "a or b"); `warning` follows the fix.
 */
function parseOneOf<T extends string>(
  key: ConfigKey,
  allowed: readonly T[],
  listed: string,
  fallback: T,
  value: string | undefined,
  r: Report,
  warning = "",
): T {
  if (value === undefined) return fallback;
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    r.fail(`${r.words.key(key)} must be ${listed}, got "${value}": ${r.words.set(key, fallback)}.${warning}`);
    return fallback;
  }
  return found;
}

function parseActiveSharedSecret(value: string | undefined, r: Report): SharedSecretSlot {
  if (value === undefined) return DEFAULTS.activeSharedSecret;
  const slot = SHARED_SECRET_SLOTS.find((allowed) => allowed === value);
  if (slot === undefined) {
    // The key's name invites pasting a secret here; a long value is not echoed into CI logs.
    const got = value.length <= 8 ? `"${value}"` : `a value of ${value.length} characters`;
    r.fail(
      `${r.words.key("activeSharedSecret")} must be ${SHARED_SECRET_SLOTS.join(" or ")} (the name of the shared-secret slot ` +
        `Auth0 sends, not a secret value), got ${got}: ${r.words.set("activeSharedSecret", DEFAULTS.activeSharedSecret)}.`,
    );
    return DEFAULTS.activeSharedSecret;
  }
  return slot;
}

// Auth0's connection IDs: "con_" and letters and digits.
const CONNECTION_ID = /^con_[A-Za-z0-9]+$/;

function parseAdoptConnectionId(value: string | undefined, r: Report): string | undefined {
  if (value === undefined) return undefined;
  if (!CONNECTION_ID.test(value)) {
    r.fail(
      `${r.words.key("adoptConnectionId")} must be an Auth0 connection ID (con_ followed by letters and digits), got "${value}": ` +
        "copy it from the Auth0 dashboard (Authentication > Social > your TikTok connection; the ID is under its name) and " +
        `${r.words.set("adoptConnectionId", { placeholder: "con_…" })}, or ${r.words.unset("adoptConnectionId")} to adopt nothing.`,
    );
    return undefined;
  }
  return value;
}

// A tenant's domain or a custom domain: a host name, without scheme, path or port.
const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** `https://Tenant.eu.auth0.com/` and `tenant.eu.auth0.com` name the same tenant. */
function bareHost(domain: string): string {
  return domain
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/\/+$/, "");
}

/** The stack file is the one place the tenant is named; see the function's callers for why. */
function checkAuth0Domain(domain: string | undefined, environment: string | undefined, fail: Report["fail"]): void {
  const fix = `run \`pulumi config set ${AUTH0_DOMAIN_KEY} <tenant>.<region>.auth0.com\` (Auth0 dashboard > Settings > Domain)`;
  if (domain === undefined) {
    fail(
      `${AUTH0_DOMAIN_KEY} is required in the stack configuration, the one place this stack names its tenant: ${fix}.`,
      "unset",
    );
    return;
  }
  if (domain.toLowerCase() === AUTH0_DOMAIN_EXAMPLE) {
    fail(
      `${AUTH0_DOMAIN_KEY} is still the example tenant ${AUTH0_DOMAIN_EXAMPLE} that the example stack files ship with: ${fix}.`,
      "placeholder",
    );
  } else if (!HOST_NAME.test(domain)) {
    fail(
      `${AUTH0_DOMAIN_KEY} must be a bare host name such as my-tenant.eu.auth0.com (no https://, path or port), got "${domain}": ${fix}.`,
    );
  }
  if (environment !== undefined && bareHost(environment) !== bareHost(domain)) {
    fail(
      `The environment variable AUTH0_DOMAIN is "${environment}" but ${AUTH0_DOMAIN_KEY} is "${domain}"; the stack ` +
        "configuration wins, so the variable only misleads whoever set it: unset AUTH0_DOMAIN (in CI, remove it from the workflow's env).",
    );
  }
}
