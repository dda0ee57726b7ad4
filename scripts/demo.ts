import { DEFAULT_TIKTOK_TOKEN_URL } from "../proxy/config";
import { SHARED_SECRET_HEADER } from "../proxy/token-proxy";
import { describeOutcome, logIn, LoginRun, SimulatedAuth0, simulateAuth0 } from "../test/support/auth0-login-flow";
import { captureLoginStack } from "../test/support/login-stack";
import { startProxy } from "../test/support/proxy-harness";
import { ReceivedTokenRequest, startTikTokEmulator } from "../test/support/tiktok-emulator";
import { fields, heading, line, queryFields, withoutQuery } from "./demo-format";
import {
  DEMO_AUTH0_DOMAIN,
  DEMO_SECRET_KEYS,
  DEMO_STACK_CONFIG,
  DEMO_TIKTOK_CLIENT_KEY,
  DEMO_TIKTOK_CLIENT_SECRET,
} from "./demo-settings";
import { HIDDEN } from "./mask";

/**
 * `npm run demo`: one "Log in with TikTok" on this machine, hop by hop, with no account and no
 * configuration. The same flow as test/e2e: the Pulumi program's own connection and Lambda
 * environment (run under mocks), Auth0 played by passport-oauth2, TikTok by the emulator, and the
 * real proxy in between. Codes, tokens and secrets are masked in everything it prints.
 */

const NORMALIZED_PROFILE_FIELDS = ["user_id", "name", "nickname", "picture"];

function print(lines: string | string[]): void {
  process.stdout.write(`${[lines].flat().join("\n")}\n`);
}

/** The same path and query on the host that serves them in production. */
function asSeenInProduction(localUrl: string, productionUrl: string): URL {
  const local = new URL(localUrl);
  return new URL(local.pathname + local.search, productionUrl);
}

interface LoginHops {
  auth0: SimulatedAuth0;
  run: LoginRun;
  /** As TikTok received them (the emulator's record). */
  tokenRequests: ReceivedTokenRequest[];
  /** The proxy's log line for the exchange. */
  proxyLog: unknown;
  /** The connection's authorize URL, to show the first hop on TikTok's real host. */
  authorizationEndpoint: string;
}

function printLogin({ auth0, run, tokenRequests, proxyLog, authorizationEndpoint }: LoginHops): void {
  const authorize = asSeenInProduction(run.authorizeUrl, authorizationEndpoint);
  print([
    heading(1, "Auth0 sends the browser to TikTok's authorize page"),
    line(`GET ${withoutQuery(authorize)}`),
    ...queryFields(authorize),
    line("client_key comes from the connection's upstream_params; TikTok ignores the client_id next to it."),
  ]);

  const callback = new URL(run.callbackUrl);
  print([
    heading(2, "The user approves; TikTok sends the browser back to Auth0"),
    line(`GET ${withoutQuery(callback)}`),
    ...queryFields(callback),
  ]);

  print([
    heading(3, "Auth0 posts the code to the proxy, which forwards it; TikTok receives"),
    line(`POST ${DEFAULT_TIKTOK_TOKEN_URL}`),
    ...tokenRequests.flatMap((request) => fields(Object.entries(request))),
    line(
      `Auth0 sent client_id and ${SHARED_SECRET_HEADER}: ${HIDDEN}; the proxy checked the header and renamed client_id.`,
    ),
    line(`proxy log: ${JSON.stringify(proxyLog)}`),
  ]);

  const [tokens] = auth0.record.tokens;
  print([
    heading(4, "The token response Auth0 receives from the proxy"),
    ...fields([
      ["access_token", tokens.accessToken],
      ["refresh_token", tokens.refreshToken ?? "(none)"],
      ...Object.entries(tokens.params).filter(([name]) => name !== "access_token"),
    ]),
  ]);

  const [user] = auth0.record.users;
  const extra = Object.keys(user.profile).filter((name) => !NORMALIZED_PROFILE_FIELDS.includes(name));
  print([
    heading(5, "Auth0 runs fetchUserProfile and stores the user"),
    line(`user ${user.user_id}`),
    ...fields(NORMALIZED_PROFILE_FIELDS.map((name) => [name, user.profile[name]])),
    line(`also stored (${extra.length} TikTok fields): ${extra.join(", ")}`),
  ]);
}

/** Runs the login and prints it; resolves once the emulator and the proxy are stopped. */
async function main(): Promise<void> {
  const stack = await captureLoginStack(DEMO_STACK_CONFIG, DEMO_SECRET_KEYS);
  const callbackUrl = `https://${DEMO_AUTH0_DOMAIN}/login/callback`;
  const tiktok = await startTikTokEmulator({
    clientKey: DEMO_TIKTOK_CLIENT_KEY,
    clientSecret: DEMO_TIKTOK_CLIENT_SECRET,
    redirectUris: [callbackUrl],
  });
  const proxy = await startProxy({ ...stack.proxyEnvironment, TIKTOK_TOKEN_URL: tiktok.tokenUrl });
  try {
    const { connection } = stack;
    print([
      `"Log in with TikTok" through Auth0, on this machine (connection "${connection.name}" from infra/program.ts, run under mocks)`,
      line(`TikTok: emulator at ${tiktok.baseUrl}`),
      line(`token proxy: ${proxy.serverUrl}/proxy/token, standing in for ${connection.options.tokenEndpoint}`),
      line(`Auth0: passport-oauth2 configured from the connection's options, tenant ${DEMO_AUTH0_DOMAIN}`),
    ]);

    const auth0 = simulateAuth0(connection, {
      tiktokOrigin: tiktok.baseUrl,
      proxyOrigin: proxy.serverUrl,
      auth0Domain: DEMO_AUTH0_DOMAIN,
    });
    const run = await logIn(auth0);
    if (run.outcome.kind !== "success") throw new Error(`the login ended in ${describeOutcome(run.outcome)}`);

    printLogin({
      auth0,
      run,
      tokenRequests: tiktok.tokenRequests,
      proxyLog: proxy.logs.at(-1),
      authorizationEndpoint: connection.options.authorizationEndpoint,
    });
  } finally {
    await proxy.close();
    await tiktok.close();
  }
  print("\nLogged in. Emulator and proxy stopped.");
}

main().catch((err: unknown) => {
  process.stderr.write(`npm run demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
