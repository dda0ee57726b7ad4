import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { verifyAdoption } from "./adoption";
import { findConnectionByName, LiveConnection } from "./live-connection";
import { loginSwitches, loginSwitchWarnings } from "./login-switches";
import { ProxyMonitoring } from "./monitoring";
import {
  LambdaRuntime,
  parseStackConfig,
  SHARED_SECRET_SLOTS,
  SharedSecretSlot,
  StackConfig,
  StackConfigError,
  TikTokScope,
  UserIdField,
} from "./settings";
import { TikTokConnection } from "./tiktok-connection";
import { defaultFunctionName, TokenProxy } from "./token-proxy";
import { componentWords, Vocabulary } from "./vocabulary";

/**
 * The component's type token: the package's name and the class's name. Both are frozen: callers'
 * generated SDKs and their resources' URNs contain it.
 */
export const TIKTOK_LOGIN_TYPE = "tiktok-auth0:index:TikTokLogin";

/**
 * The inputs of TikTokLogin. Plain values (not Inputs) are the ones checked before anything is
 * declared, so a mistake fails the preview with a message naming the input.
 */
export interface TikTokLoginArgs {
  /** The TikTok app's client key (TikTok for Developers > your app > Credentials). */
  tiktokClientKey: string;
  /**
   * The TikTok app's client secret. Pass it as a secret (config.requireSecret, or config.require_secret in Python):
   * it is stored as a secret either way, but only a secret input stays encrypted in the caller's own state.
   */
  tiktokClientSecret: pulumi.Input<string>;
  /**
   * The client IDs of the Auth0 applications that may log in with TikTok. This list owns the connection's
   * applications: one enabled by hand is disabled. Plain, because adopting a connection compares it at preview.
   * Default: none.
   */
  enabledClients?: string[];
  /**
   * The Auth0 connection's name. Users are stored as oauth2|name|id, so it never changes once the connection
   * has users; two instances in one tenant need two names. Default: TikTok.
   */
  connectionName?: string;
  /** The label on the login button. Default: TikTok. */
  displayName?: string;
  /** The TikTok scopes to ask for; user.info.basic is required. Default: user.info.basic. */
  scopes?: TikTokScope[];
  /**
   * Which TikTok ID becomes the Auth0 user_id. Fixed for the life of the connection: a change would create
   * every returning user again, and is refused. Default: union_id.
   */
  userIdField?: UserIdField;
  /** The proxy's Lambda runtime. Default: nodejs22.x. */
  runtime?: LambdaRuntime;
  /** The shared-secret slot Auth0 sends to the proxy; switch it to rotate the secret without failed logins. Default: a. */
  activeSharedSecret?: SharedSecretSlot;
  /** Days the proxy's logs are kept, one of CloudWatch's retention periods. Default: 30. */
  logRetentionDays?: number;
  /** The proxy's memory, in MB (128 to 10240). Default: 256. */
  lambdaMemoryMb?: number;
  /** Concurrency reserved for the proxy (a whole number of at least 1). Default: none reserved. */
  reservedConcurrency?: number;
  /** The deadline of the whole exchange with TikTok, in milliseconds (1 to 30000). Default: 5000. */
  tiktokTimeoutMs?: number;
  /** Who the proxy's alarms e-mail; AWS sends a confirmation link first. Default: nobody. */
  alarmEmail?: string;
  /**
   * An existing connection (con_...) to adopt instead of creating one, after checks that refuse anything that
   * would lose, split or lock out its users. Remove it after the first successful update.
   */
  adoptConnectionId?: string;
  /** Whether to create the proxy's CloudWatch alarms and dashboard. Default: true. */
  monitoring?: boolean;
  /**
   * The proxy's Lambda function name, also its log group's, alarms' and dashboard's. Default:
   * project-stack-name, shortened with a hash past Lambda's 64 characters.
   */
  functionName?: string;
}

/** The inputs as TikTokLogin's rules accept them. */
export interface ValidTikTokLoginArgs {
  settings: StackConfig<pulumi.Input<string>>;
  monitoring: boolean;
  functionName: string;
}

/** What TikTokLogin.create finds out, asynchronously, before the component declares anything. */
export interface CheckedTikTokLogin {
  /** The connection as it is in the tenant now; `undefined` before the first deploy. */
  live: LiveConnection | undefined;
}

export interface TikTokLoginOptions extends pulumi.ComponentResourceOptions {
  /** Set by TikTokLogin.create; the constructor refuses to run without it. */
  checked?: CheckedTikTokLogin;
  /**
   * Only for the reference stack in this repository: before 0.2.0 it declared the proxy, the connection,
   * the secret slots and the monitoring at the stack's root. Each moves under this instance by an alias,
   * so an existing stack previews one create (this component) and nothing else. Never set it on two
   * instances: they would claim the same old resources, which the engine refuses.
   */
  movedFromStackRoot?: boolean;
  /** How messages name settings; the inputs of this instance by default. The reference stack names its config keys. */
  words?: Vocabulary;
}

/**
 * Log in with TikTok through Auth0: a TikTok v2 token proxy on AWS Lambda behind a function URL, and the
 * Auth0 custom social connection that uses it, protected, with its enabled applications, alarms and a dashboard.
 */
export class TikTokLogin extends pulumi.ComponentResource {
  /** The connection's Token URL: the proxy's function URL followed by /proxy/token. */
  public readonly tokenUrl: pulumi.Output<string>;
  /** The Auth0 connection's ID (con_...). */
  public readonly connectionId: pulumi.Output<string>;
  /** The Auth0 connection's name: pass it as connection= to /authorize to skip Auth0's login page. */
  public readonly connectionName: pulumi.Output<string>;
  /** The proxy's Lambda function. */
  public readonly functionName: pulumi.Output<string>;
  /** Where the proxy logs one JSON line per token request. */
  public readonly logGroupName: pulumi.Output<string>;
  /** The CloudWatch dashboard of the proxy; absent when monitoring is false. */
  public readonly dashboardUrl: pulumi.Output<string | undefined>;
  /** The shared secret Auth0 sends to the proxy (the active slot's), a secret. */
  public readonly proxySharedSecret: pulumi.Output<string>;

  /**
   * Checks the inputs, then the live connection, then declares the component: the way to make one from
   * TypeScript in this repository. Callers in other languages reach the same path through the package's
   * provider (component/provider.ts).
   */
  static async create(name: string, args: TikTokLoginArgs, opts: TikTokLoginOptions = {}): Promise<TikTokLogin> {
    const checked = await checkTikTokLogin(name, args, auth0ProviderOf(opts), opts.words);
    return new TikTokLogin(name, args, { ...opts, checked });
  }

  constructor(name: string, args: TikTokLoginArgs, opts: TikTokLoginOptions = {}) {
    // Nothing of args goes to super: the component's inputs are stored in state, the client secret with them.
    const { checked, movedFromStackRoot, words, ...componentOpts } = opts;
    // Before super, so a misuse declares nothing at all.
    if (checked === undefined) {
      throw new Error(
        `TikTokLogin "${name}" was constructed without its checks: create it with \`await TikTokLogin.create(…)\`, ` +
          "which reads the live Auth0 connection before declaring anything.",
      );
    }
    super(TIKTOK_LOGIN_TYPE, name, {}, componentOpts);
    // Checked by create already, so this cannot throw; repeated rather than handed over, so that what is
    // declared is always derived from args themselves.
    const { settings, monitoring: withMonitoring, functionName } = validateTikTokLoginArgs(name, args, words);
    const { live } = checked;
    const fromRoot = (oldName: string): pulumi.Alias[] =>
      movedFromStackRoot === true ? [{ name: oldName, parent: pulumi.rootStackResource }] : [];

    // Proves to the proxy that a token request comes from this connection. Two slots, so the secret can be
    // rotated without a failed login: the Lambda accepts both, Auth0 sends only the active one. The Lambda and
    // the connection are updated by two separate API calls, so one secret changed on both would fail logins in
    // between (docs/operations.md, "Rotating secrets"). Letters and digits only: safe in a header and
    // in the comma-separated PROXY_SHARED_SECRET as-is.
    const secretSlot = (slot: SharedSecretSlot) =>
      new random.RandomPassword(
        `${name}-proxy-shared-secret-${slot}`,
        { length: 48, special: false },
        { parent: this, aliases: fromRoot(`proxy-shared-secret-${slot}`) },
      );
    const slots: Record<SharedSecretSlot, random.RandomPassword> = { a: secretSlot("a"), b: secretSlot("b") };
    const activeSharedSecret = slots[settings.activeSharedSecret].result;

    const proxy = new TokenProxy(
      `${name}-token-proxy`,
      {
        tiktokClientKey: settings.tiktokClientKey,
        // Always both slots, in a fixed order: switching the active slot must not touch the Lambda.
        acceptedSharedSecrets: SHARED_SECRET_SLOTS.map((slot) => slots[slot].result),
        tiktokTimeoutMs: settings.tiktokTimeoutMs,
        runtime: settings.runtime,
        memoryMb: settings.lambdaMemoryMb,
        reservedConcurrency: settings.reservedConcurrency,
        logRetentionDays: settings.logRetentionDays,
        functionName,
      },
      { parent: this, aliases: fromRoot("token-proxy") },
    );

    // Named like the component: its children (`<name>-connection`, …) then inherit the alias as the engine
    // derives it, by swapping the parent's name for the old one.
    const tiktok = new TikTokConnection(
      name,
      {
        connectionName: settings.connectionName,
        displayName: settings.displayName,
        tiktokClientKey: settings.tiktokClientKey,
        tiktokClientSecret: settings.tiktokClientSecret,
        scopes: settings.scopes,
        tokenUrl: proxy.tokenUrl,
        sharedSecret: activeSharedSecret,
        enabledClients: settings.enabledClients,
        userIdField: settings.userIdField,
        adoptConnectionId: settings.adoptConnectionId,
        loginSwitches: loginSwitches(live, settings.connectionName),
      },
      { parent: this, aliases: fromRoot("tiktok") },
    );

    const monitoring = withMonitoring
      ? new ProxyMonitoring(
          `${name}-token-proxy-monitoring`,
          { functionName: proxy.functionName, alarmEmail: settings.alarmEmail },
          { parent: this, aliases: fromRoot("token-proxy-monitoring") },
        )
      : undefined;

    this.tokenUrl = proxy.tokenUrl;
    this.connectionId = tiktok.connectionId;
    this.connectionName = tiktok.connectionName;
    this.functionName = proxy.functionName;
    this.logGroupName = proxy.logGroupName;
    this.dashboardUrl = monitoring === undefined ? pulumi.output(undefined) : monitoring.dashboardUrl;
    // Wrapped, although RandomPassword declares `result` secret: that declaration is applied by the engine,
    // so without the wrap nothing short of a real `pulumi up` would show the output stays secret.
    this.proxySharedSecret = pulumi.secret(activeSharedSecret);

    this.registerOutputs({
      tokenUrl: this.tokenUrl,
      connectionId: this.connectionId,
      connectionName: this.connectionName,
      functionName: this.functionName,
      logGroupName: this.logGroupName,
      dashboardUrl: this.dashboardUrl,
      proxySharedSecret: this.proxySharedSecret,
    });
  }
}

/** How a caller's errors name the inputs of one instance. */
export function tiktokLoginWords(name: string): Vocabulary {
  return { ...componentWords("TikTokLogin"), subject: `TikTokLogin "${name}"` };
}

/**
 * Validates the inputs (every problem at once, naming the input), then reads the live connection: the one to
 * adopt, checked with every guard, or the one of that name. Throws a pulumi.RunError, whose message alone
 * reaches the caller.
 */
export async function checkTikTokLogin(
  name: string,
  args: TikTokLoginArgs,
  auth0Provider: pulumi.ProviderResource | undefined,
  words: Vocabulary = tiktokLoginWords(name),
): Promise<CheckedTikTokLogin> {
  const { settings } = validateTikTokLoginArgs(name, args, words);
  let live: LiveConnection | undefined;
  if (settings.adoptConnectionId !== undefined) {
    live = await verifyAdoption(settings.adoptConnectionId, { ...settings, words }, auth0Provider);
  } else {
    live = await findConnectionByName(settings.connectionName, auth0Provider, words);
    for (const warning of loginSwitchWarnings(live, settings.connectionName)) void pulumi.log.warn(warning);
  }
  return { live };
}

// What Lambda accepts as a function name.
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The stack's rules (component/settings.ts), applied to the inputs as the stack would read them from its
 * file: numbers and lists as text, so a float where a whole number belongs fails as it would there.
 */
export function validateTikTokLoginArgs(
  name: string,
  args: TikTokLoginArgs,
  words: Vocabulary = tiktokLoginWords(name),
): ValidTikTokLoginArgs {
  const problems: string[] = [];
  const values: Record<string, string | undefined> = {};
  // Inputs already refused for their type: the rules, which then see them unset, would only repeat it.
  const reported = new Set<string>();
  const plain: [keyof TikTokLoginArgs, PlainKind][] = [
    ["tiktokClientKey", "string"],
    ["enabledClients", "list of strings"],
    ["connectionName", "string"],
    ["displayName", "string"],
    ["scopes", "list of strings"],
    ["userIdField", "string"],
    ["runtime", "string"],
    ["activeSharedSecret", "string"],
    ["logRetentionDays", "number"],
    ["lambdaMemoryMb", "number"],
    ["reservedConcurrency", "number"],
    ["tiktokTimeoutMs", "number"],
    ["alarmEmail", "string"],
    ["adoptConnectionId", "string"],
  ];
  for (const [key, kind] of plain) {
    const value: unknown = args[key];
    if (value === undefined || value === null) continue;
    const fix = words.set(key, { placeholder: `<a ${kind}>` });
    if (notPlain(value)) {
      problems.push(
        `${words.key(key)} must be a plain value, known before anything is deployed: not a secret, and not an output ` +
          `of another resource: ${fix}.`,
      );
      reported.add(key);
      continue;
    }
    const text = asText(value, kind);
    if (text === undefined) {
      problems.push(`${words.key(key)} must be a ${kind}, got ${shownType(value)}: ${fix}.`);
      reported.add(key);
      continue;
    }
    values[key] = text;
  }
  const secret: unknown = args.tiktokClientSecret;
  const secretIsSet = secret !== undefined && secret !== null && !(typeof secret === "string" && secret.trim() === "");
  if (secretIsSet && typeof secret !== "string" && !notPlain(secret)) {
    problems.push(
      `${words.key("tiktokClientSecret")} must be a string, got ${shownType(secret)}: ` +
        `${words.setSecret("tiktokClientSecret", "<client secret from TikTok for Developers>")}.`,
    );
    reported.add("tiktokClientSecret");
  }

  const monitoring = args.monitoring ?? true;
  if (typeof monitoring !== "boolean") {
    problems.push(`${words.key("monitoring")} must be true or false: ${words.set("monitoring", "true")}.`);
  }
  const functionName = args.functionName ?? defaultFunctionName(pulumi.getProject(), pulumi.getStack(), name);
  if (typeof functionName !== "string" || !FUNCTION_NAME.test(functionName)) {
    problems.push(
      `${words.key("functionName")} must be 1-64 letters, digits, hyphens or underscores (Lambda's rule), ` +
        `got ${JSON.stringify(functionName)}: ${words.set("functionName", "my-app-tiktok-login")}, or ${words.unset("functionName")} for the default.`,
    );
  }

  let settings: StackConfig<pulumi.Input<string>> | undefined;
  try {
    settings = parseStackConfig<pulumi.Input<string>>({
      values,
      tiktokClientSecret: secretIsSet ? args.tiktokClientSecret : undefined,
      auth0Domain: undefined,
      auth0DomainEnvironment: undefined,
      // The tenant is the Auth0 provider's: the reference stack checks its auth0:domain itself.
      vocabulary: { ...words, checksTenant: false },
    });
  } catch (err) {
    if (!(err instanceof StackConfigError)) throw err;
    const repeated = (problem: string) => [...reported].some((key) => problem.startsWith(`${words.key(key)} `));
    problems.unshift(...err.problems.filter((problem) => !repeated(problem)));
  }
  if (settings === undefined || problems.length > 0) throw new StackConfigError(problems, words.subject);
  return { settings, monitoring, functionName };
}

type PlainKind = "string" | "number" | "list of strings";

/**
 * A value the checks cannot read now: an Output (another resource's, or a secret, which the provider
 * hands over as an Output), or the marker of a value the engine only learns during the update.
 */
function notPlain(value: unknown): boolean {
  if (pulumi.Output.isInstance(value) || pulumi.isUnknown(value)) return true;
  return Array.isArray(value) && value.some((item) => pulumi.Output.isInstance(item) || pulumi.isUnknown(item));
}

/** The value as the stack's file would hold it, or `undefined` if it is not of the kind at all. */
function asText(value: unknown, kind: PlainKind): string | undefined {
  switch (kind) {
    case "string":
      return typeof value === "string" ? value : undefined;
    case "number":
      // Whole, in range and so on is the rules' business; a float is still a number here.
      return typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
    case "list of strings":
      return Array.isArray(value) && value.every((item) => typeof item === "string")
        ? JSON.stringify(value)
        : undefined;
  }
}

/** What a wrong value is, without echoing it: it may be a secret put in the wrong input. */
function shownType(value: unknown): string {
  if (typeof value === "number") return Number.isFinite(value) ? "a number" : String(value);
  if (Array.isArray(value)) return "a list that holds something other than strings";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** The Auth0 provider the caller gave the component, which the live lookup must use too. */
export function auth0ProviderOf(opts: pulumi.ComponentResourceOptions): pulumi.ProviderResource | undefined {
  const isAuth0 = (provider: pulumi.ProviderResource) => packageOf(provider) === "auth0";
  if (opts.provider !== undefined && isAuth0(opts.provider)) return opts.provider;
  const providers = opts.providers;
  if (Array.isArray(providers)) return providers.find(isAuth0);
  if (providers !== undefined) {
    const named = providers["auth0"];
    if (named !== undefined) return named;
  }
  return opts.parent?.getProvider("auth0:index/connection:Connection");
}

/** ProviderResource knows its package, but its declared type does not say so. */
function packageOf(provider: pulumi.ProviderResource): string | undefined {
  const withPackage = provider as unknown as { getPackage?: () => string };
  return typeof withPackage.getPackage === "function" ? withPackage.getPackage() : undefined;
}
