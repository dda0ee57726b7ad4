import * as pulumi from "@pulumi/pulumi";
import { TikTokLogin } from "../component/tiktok-login";
import { defaultFunctionName } from "../component/token-proxy";
import { loadStackConfig, STACK_CONFIG_WORDS } from "./config";

/** The stack outputs (README, "Stack outputs"): the component's outputs, under the same names. */
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
  dashboardUrl: pulumi.Output<string | undefined>;
  /** The x-proxy-secret value Auth0 sends to the proxy: the active slot's; secret; read by `npm run verify`. */
  proxySharedSecret: pulumi.Output<string>;
}

/**
 * The reference stack: the first consumer of the TikTokLogin component. It reads the stack's
 * configuration (errors name `tiktok-auth0:*` keys and `pulumi config` commands) and hands it to the
 * component. Async because the component reads the live Auth0 connection before declaring anything,
 * and a CommonJS program has no top-level await. infra/index.ts runs it.
 */
export async function tiktokAuth0(): Promise<StackOutputs> {
  // First, so a configuration mistake fails `pulumi preview` before anything else happens.
  const config = loadStackConfig();
  const login = await TikTokLogin.create(
    "tiktok",
    {
      ...config,
      // The physical names the stack has always had: `<project>-<stack>-token-proxy`.
      functionName: defaultFunctionName(pulumi.getProject(), pulumi.getStack()),
    },
    // Releases before 0.2.0 declared everything at the stack's root; the aliases keep every resource.
    // Its messages (an adoption refused, say) keep naming `tiktok-auth0:*` keys and `pulumi config`.
    { movedFromStackRoot: true, words: STACK_CONFIG_WORDS },
  );
  return {
    tokenUrl: login.tokenUrl,
    connectionId: login.connectionId,
    connectionName: login.connectionName,
    functionName: login.functionName,
    logGroupName: login.logGroupName,
    dashboardUrl: login.dashboardUrl,
    proxySharedSecret: login.proxySharedSecret,
  };
}
