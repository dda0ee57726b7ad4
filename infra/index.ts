import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { loadStackConfig } from "./config";
import { ProxyMonitoring } from "./monitoring";
import { buildProxyBundle, PROXY_BUNDLE_FILE } from "./proxy-bundle";
import { TikTokConnection } from "./tiktok-connection";
import { TokenProxy } from "./token-proxy";

// First, so a configuration mistake fails `pulumi preview` before anything else happens.
const config = loadStackConfig();

// Built from source on every run, so `pulumi up` never deploys a stale dist/.
buildProxyBundle();

// Proves to the proxy that a token request comes from our Auth0 connection. Letters and digits
// only, so it is safe in an HTTP header as-is.
const sharedSecret = new random.RandomPassword("proxy-shared-secret", { length: 48, special: false });

const proxy = new TokenProxy("token-proxy", {
  bundleFile: PROXY_BUNDLE_FILE,
  tiktokClientKey: config.tiktokClientKey,
  sharedSecret: sharedSecret.result,
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
  sharedSecret: sharedSecret.result,
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
 * The x-proxy-secret value Auth0 sends to the proxy; secret; read by `npm run verify`. Wrapped in
 * pulumi.secret although RandomPassword already declares `result` secret: that declaration
 * (additionalSecretOutputs) is applied by the engine, so without the wrap nothing short of a real
 * `pulumi up` would show the output stays secret.
 */
export const proxySharedSecret = pulumi.secret(sharedSecret.result);
