import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { verifyAdoption } from "./adoption";
import { loadStackConfig, SHARED_SECRET_SLOTS, SharedSecretSlot } from "./config";
import { findConnectionByName, LiveConnection } from "./live-connection";
import { loginSwitches, loginSwitchWarnings } from "./login-switches";
import { ProxyMonitoring } from "./monitoring";
import { buildProxyBundle, PROXY_BUNDLE_FILE } from "./proxy-bundle";
import { TikTokConnection } from "./tiktok-connection";
import { TokenProxy } from "./token-proxy";

/** The stack outputs (README, "Stack outputs"). */
export interface StackOutputs {
  /** The connection's Token URL: the proxy's function URL followed by /proxy/token. */
  tokenUrl: pulumi.Output<string>;
  /** The Auth0 connection's ID (con_...), for the Management API and the dashboard. */
  connectionId: pulumi.Output<string>;
  /** The Auth0 connection's name: pass it as `connection=` to /authorize to skip the login page. */
  connectionName: pulumi.Output<string>;
  /** The proxy's Lambda function, for `aws lambda` commands. */
  functionName: pulumi.Output<string>;
  /** Where the proxy logs one JSON line per token request (`aws logs tail <name> --follow`). */
  logGroupName: pulumi.Output<string>;
  /** The CloudWatch dashboard of the proxy's invocations, errors, latency and URL responses. */
  dashboardUrl: pulumi.Output<string>;
  /**
   * The x-proxy-secret value Auth0 sends to the proxy: the active slot's; secret; read by
   * `npm run verify`. Wrapped in pulumi.secret although RandomPassword already declares `result`
   * secret: that declaration (additionalSecretOutputs) is applied by the engine, so without the wrap
   * nothing short of a real `pulumi up` would show the output stays secret.
   */
  proxySharedSecret: pulumi.Output<string>;
}

/**
 * The whole stack: reads the configuration, checks a connection to adopt, wires the components and
 * returns the stack outputs. Async because the live connection is read (an invoke) before anything is
 * declared, and a CommonJS program has no top-level await. infra/index.ts runs it.
 */
export async function tiktokAuth0(): Promise<StackOutputs> {
  // First, so a configuration mistake fails `pulumi preview` before anything else happens.
  const config = loadStackConfig();
  // Before the first resource, so a problem found here stops the run with nothing changed. The live
  // connection also shows whether the tenant reports the switches that turn logins off, which the
  // connection then declares (infra/login-switches.ts).
  let live: LiveConnection | undefined;
  if (config.adoptConnectionId !== undefined) {
    live = await verifyAdoption(config.adoptConnectionId, config);
  } else {
    live = await findConnectionByName(config.connectionName);
    for (const warning of loginSwitchWarnings(live, config.connectionName)) void pulumi.log.warn(warning);
  }

  // Built from source on every run, so `pulumi up` never deploys a stale dist/.
  buildProxyBundle();

  // Proves to the proxy that a token request comes from our Auth0 connection. Two slots, so the
  // secret can be rotated without a failed login: the Lambda accepts both, Auth0 sends only the
  // active one (tiktok-auth0:activeSharedSecret). The Lambda and the connection are updated by two
  // separate API calls, so a single secret changed on both would fail logins in between. Letters and
  // digits only: safe in an HTTP header and in the comma-separated PROXY_SHARED_SECRET as-is.
  //
  // Rotation, with slot a active (swap a and b otherwise); each step keeps the active value accepted:
  //   1. `pulumi config set activeSharedSecret b`, `pulumi up`: only the connection changes; Auth0
  //      sends b, which the Lambda has accepted all along.
  //   2. `pulumi up --replace urn:pulumi:<stack>::tiktok-auth0::random:index/randomPassword:RandomPassword::proxy-shared-secret-a`:
  //      slot a gets a new value and only the Lambda changes, to accept new-a and b. Each invocation
  //      sees the old or the new environment, and both contain b, which Auth0 keeps sending.
  // Never replace the active slot: the Lambda and Auth0 would both change, failing logins in between.
  const secretSlot = (slot: SharedSecretSlot) =>
    new random.RandomPassword(`proxy-shared-secret-${slot}`, { length: 48, special: false });
  const sharedSecretSlots: Record<SharedSecretSlot, random.RandomPassword> = { a: secretSlot("a"), b: secretSlot("b") };
  const activeSharedSecret = sharedSecretSlots[config.activeSharedSecret].result;

  const proxy = new TokenProxy("token-proxy", {
    bundleFile: PROXY_BUNDLE_FILE,
    tiktokClientKey: config.tiktokClientKey,
    // Always both slots, in a fixed order: switching the active slot must not touch the Lambda.
    acceptedSharedSecrets: SHARED_SECRET_SLOTS.map((slot) => sharedSecretSlots[slot].result),
    tiktokTimeoutMs: config.tiktokTimeoutMs,
    runtime: config.runtime,
    memoryMb: config.lambdaMemoryMb,
    reservedConcurrency: config.reservedConcurrency,
    logRetentionDays: config.logRetentionDays,
  });

  const tiktok = new TikTokConnection("tiktok", {
    connectionName: config.connectionName,
    displayName: config.displayName,
    tiktokClientKey: config.tiktokClientKey,
    tiktokClientSecret: config.tiktokClientSecret,
    scopes: config.scopes,
    tokenUrl: proxy.tokenUrl,
    sharedSecret: activeSharedSecret,
    enabledClients: config.enabledClients,
    userIdField: config.userIdField,
    adoptConnectionId: config.adoptConnectionId,
    loginSwitches: loginSwitches(live, config.connectionName),
  });

  const monitoring = new ProxyMonitoring("token-proxy-monitoring", {
    functionName: proxy.functionName,
    alarmEmail: config.alarmEmail,
  });

  return {
    tokenUrl: proxy.tokenUrl,
    connectionId: tiktok.connectionId,
    connectionName: tiktok.connectionName,
    functionName: proxy.functionName,
    logGroupName: proxy.logGroupName,
    dashboardUrl: monitoring.dashboardUrl,
    proxySharedSecret: pulumi.secret(activeSharedSecret),
  };
}
