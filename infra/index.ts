import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { loadStackConfig, SHARED_SECRET_SLOTS, SharedSecretSlot } from "./config";
import { ProxyMonitoring } from "./monitoring";
import { buildProxyBundle, PROXY_BUNDLE_FILE } from "./proxy-bundle";
import { TikTokConnection } from "./tiktok-connection";
import { TokenProxy } from "./token-proxy";

// First, so a configuration mistake fails `pulumi preview` before anything else happens.
const config = loadStackConfig();

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
});

const monitoring = new ProxyMonitoring("token-proxy-monitoring", {
  functionName: proxy.functionName,
  alarmEmail: config.alarmEmail,
});

/** The connection's Token URL: the proxy's function URL followed by /proxy/token. */
export const tokenUrl = proxy.tokenUrl;
/** The Auth0 connection's ID (con_...), for the Management API and the dashboard. */
export const connectionId = tiktok.connectionId;
/** The Auth0 connection's name: pass it as `connection=` to /authorize to skip the login page. */
export const connectionName = tiktok.connectionName;
/** The proxy's Lambda function, for `aws lambda` commands. */
export const functionName = proxy.functionName;
/** Where the proxy logs one JSON line per token request (`aws logs tail <name> --follow`). */
export const logGroupName = proxy.logGroupName;
/** The CloudWatch dashboard of the proxy's invocations, errors, latency and URL responses. */
export const dashboardUrl = monitoring.dashboardUrl;
/**
 * The x-proxy-secret value Auth0 sends to the proxy: the active slot's; secret; read by
 * `npm run verify`. Wrapped in pulumi.secret although RandomPassword already declares `result`
 * secret: that declaration (additionalSecretOutputs) is applied by the engine, so without the wrap
 * nothing short of a real `pulumi up` would show the output stays secret.
 */
export const proxySharedSecret = pulumi.secret(activeSharedSecret);
