import { redactSecrets } from "../proxy/redact";
import { SHARED_SECRET_HEADER, TOKEN_PATH } from "../proxy/token-proxy";
import { HIDDEN } from "./mask";

/**
 * `npm run verify`'s checks against a deployed stack, as data: each check sends one request to the
 * real deployment and says what the answer proves, or what to fix. No Pulumi, no printing, no
 * process here; the HTTP client is passed in, so tests point the checks at local stand-ins.
 */

export interface VerifyTarget {
  /** The stack's tokenUrl output: the function URL followed by /proxy/token. */
  tokenUrl: string;
  /** The stack's proxySharedSecret output (the active secret slot, what Auth0 sends), sent as x-proxy-secret. */
  sharedSecret: string;
  tiktokClientKey: string;
  tiktokClientSecret: string;
  /** https://<auth0 domain> (an http://127.0.0.1:<port> stand-in in tests), without a trailing slash. */
  auth0BaseUrl: string;
  connectionName: string;
  /** An Auth0 application the connection is enabled for; without it the authorize check is skipped. */
  clientId?: string;
  /** A callback URL that application allows; without it the authorize check is skipped. */
  redirectUri?: string;
  /** The scopes the stack configures; when given, the authorize redirect must carry exactly these. */
  scopes?: readonly string[];
}

export type CheckStatus = "PASS" | "FAIL" | "SKIP";

export interface CheckResult {
  title: string;
  status: CheckStatus;
  /** PASS: what the answer proves. FAIL: what was wrong. SKIP: what to pass to run it. */
  summary: string;
  /** FAIL only: how to fix it. */
  hint?: string;
}

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** The Location header; redirects are never followed. */
  location: string | undefined;
  body: string;
}

/** Sends one request without following redirects; rejects only when there is no HTTP answer at all. */
export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

const TIKTOK_V2_AUTHORIZE_URL = "https://www.tiktok.com/v2/auth/authorize/";
const TIKTOK_V1_AUTHORIZE_PATH = "/auth/authorize/";
/** Never issued by TikTok, so the exchange must fail at TikTok, after every hop before it has worked. */
export const BOGUS_CODE = "npm-run-verify-bogus-code";

const CHECK_TITLES = {
  relayClosed: "token URL refuses callers without the shared secret",
  tokenExchange: "token URL reaches TikTok with the stack's client key",
  authorizeRedirect: "Auth0 sends the browser to TikTok v2",
} as const;

export async function runVerifyChecks(target: VerifyTarget, http: HttpClient): Promise<CheckResult[]> {
  const results = [
    await checkRelayClosed(target, http),
    await checkTokenExchange(target, http),
    await checkAuthorizeRedirect(target, http),
  ];
  // Answers are quoted in the results; whatever a server echoes, the secrets never reach the output.
  return results.map((result) => redactResult(result, [target.sharedSecret, target.tiktokClientSecret]));
}

export function hasFailures(results: readonly CheckResult[]): boolean {
  return results.some((result) => result.status === "FAIL");
}

/** `https://<auth0 domain>/login/callback`: the redirect URI TikTok must have registered. */
export function auth0CallbackUrl(auth0BaseUrl: string): string {
  return `${auth0BaseUrl}/login/callback`;
}

// --- 1. the relay is closed ---------------------------------------------------------------------

async function checkRelayClosed(target: VerifyTarget, http: HttpClient): Promise<CheckResult> {
  const title = CHECK_TITLES.relayClosed;
  const answer = await send(http, tokenRequest(target, { withSharedSecret: false }));
  if (answer.kind === "no_answer") return unreachable(title, target.tokenUrl, answer.reason);
  const { status, error } = answer;
  if (status === 401 && error.error === "invalid_client" && mentionsSharedSecretHeader(error)) {
    return pass(
      title,
      `without ${SHARED_SECRET_HEADER} the proxy answers 401 invalid_client: nobody but the Auth0 connection can use it as a relay.`,
    );
  }
  const platform = functionUrlProblem(status, answer.body);
  if (platform) return fail(title, platform.summary, platform.hint);
  return fail(
    title,
    `without ${SHARED_SECRET_HEADER} the request was passed on to TikTok (answer: ${describeAnswer(answer)}) instead of being refused: ` +
      "anyone who knows the URL can relay token requests through it.",
    "The deployed function does not require the shared secret (PROXY_SHARED_SECRET is unset). Run `pulumi up`: the program sets it; " +
      "check that nobody removed it from the function's environment by hand.",
  );
}

// --- 2. the token exchange reaches TikTok -------------------------------------------------------

async function checkTokenExchange(target: VerifyTarget, http: HttpClient): Promise<CheckResult> {
  const title = CHECK_TITLES.tokenExchange;
  const answer = await send(http, tokenRequest(target, { withSharedSecret: true }));
  if (answer.kind === "no_answer") return unreachable(title, target.tokenUrl, answer.reason);
  const { status, error } = answer;

  if (status === 400 && (error.error === "invalid_grant" || error.error === "invalid_request")) {
    return pass(
      title,
      `a made-up code got TikTok's ${error.error} (400): the function URL answers, the proxy accepts the shared secret, ` +
        "TikTok is reachable and accepts the client key and secret.",
    );
  }
  const platform = functionUrlProblem(status, answer.body);
  if (platform) return fail(title, platform.summary, platform.hint);

  if (status === 401 && error.error === "invalid_client") {
    if (mentionsSharedSecretHeader(error)) {
      return fail(
        title,
        `the proxy refused the stack's proxySharedSecret (401 invalid_client).`,
        "The deployed function's PROXY_SHARED_SECRET does not list the stack output (the active secret slot), so Auth0's logins fail too. " +
          "Run `pulumi refresh` and `pulumi up` to put both back in step.",
      );
    }
    if ((error.error_description ?? "").includes("does not serve that client_id")) {
      return fail(
        title,
        "the proxy serves another client key (401 invalid_client).",
        "The function's TIKTOK_CLIENT_KEY differs from tiktok-auth0:tiktokClientKey. Run `pulumi up`.",
      );
    }
    return fail(
      title,
      "TikTok refused the client key or secret (401 invalid_client).",
      "Compare tiktok-auth0:tiktokClientKey and tiktok-auth0:tiktokClientSecret with TikTok for Developers > your app > Credentials; " +
        "fix them with `pulumi config set tiktokClientKey <key>` and `pulumi config set --secret tiktokClientSecret <secret>`, then `pulumi up`.",
    );
  }
  if (status === 502 && error.error === "temporarily_unavailable") {
    return fail(
      title,
      `the proxy got no usable answer from TikTok (502 temporarily_unavailable: ${error.error_description ?? "no reason given"}).`,
      "TikTok is unreachable from the function or failing. Check TikTok's status, and that the function has internet access " +
        "(not in a VPC without a NAT gateway); the proxy's log line has the reason (`aws logs tail <logGroupName output>`).",
    );
  }
  if (status === 504) {
    return fail(
      title,
      "TikTok did not answer before the proxy's deadline (504).",
      "Check the function's internet access and TikTok's status; if TikTok is only slow, raise tiktok-auth0:tiktokTimeoutMs and run `pulumi up`.",
    );
  }
  if (status === 500) {
    return fail(
      title,
      `the function failed (${describeAnswer(answer)}).`,
      "The proxy's configuration is invalid or it crashed; its log says why (`aws logs tail <logGroupName output>`). Then run `pulumi up`.",
    );
  }
  if (status === 200) {
    return fail(
      title,
      "a made-up code was answered with 200, which TikTok never does.",
      "The token URL is not our proxy in front of TikTok: check the tokenUrl output.",
    );
  }
  return fail(
    title,
    `TikTok refused the exchange with ${describeAnswer(answer)}, not with the invalid_grant a made-up code gets.`,
    "Check the app in TikTok for Developers: Login Kit added, the app approved (or in sandbox with your account as a tester).",
  );
}

// --- 3. Auth0's /authorize redirects to TikTok v2 ---------------------------------------------

async function checkAuthorizeRedirect(target: VerifyTarget, http: HttpClient): Promise<CheckResult> {
  const title = CHECK_TITLES.authorizeRedirect;
  if (target.clientId === undefined) {
    return skip(
      title,
      "no Auth0 application to log in with: set tiktok-auth0:enabledClients, or pass --client-id <Auth0 application client ID>.",
    );
  }
  if (target.redirectUri === undefined) {
    return skip(
      title,
      "no callback URL: pass --redirect-uri <a URL in the application's Allowed Callback URLs> (or set VERIFY_REDIRECT_URI).",
    );
  }

  const authorize = new URL(`${target.auth0BaseUrl}/authorize`);
  authorize.searchParams.set("connection", target.connectionName);
  authorize.searchParams.set("client_id", target.clientId);
  authorize.searchParams.set("response_type", "code");
  authorize.searchParams.set("redirect_uri", target.redirectUri);

  let response: HttpResponse;
  try {
    response = await http({ method: "GET", url: authorize.toString() });
  } catch (err) {
    return unreachable(title, `${target.auth0BaseUrl}/authorize`, reasonOf(err));
  }
  const notEnabledHint =
    `Check that the connection "${target.connectionName}" exists and is enabled for the application ${target.clientId} ` +
    "(tiktok-auth0:enabledClients, then `pulumi up`), and that the redirect URI is in the application's Allowed Callback URLs.";
  if (response.status < 300 || response.status > 399 || response.location === undefined) {
    return fail(
      title,
      `Auth0's /authorize answered ${response.status} instead of redirecting to TikTok.`,
      notEnabledHint,
    );
  }

  const location = new URL(response.location, target.auth0BaseUrl);
  const tiktok = new URL(TIKTOK_V2_AUTHORIZE_URL);
  if (location.origin === tiktok.origin && location.pathname === TIKTOK_V1_AUTHORIZE_PATH) {
    return fail(
      title,
      `Auth0 redirects to TikTok's v1 authorize URL (${location.origin}${location.pathname}), dead since 2024-02-29.`,
      `The connection's authorizationEndpoint was changed outside Pulumi. Run \`pulumi up\` to restore ${TIKTOK_V2_AUTHORIZE_URL}.`,
    );
  }
  if (`${location.origin}${location.pathname}` !== TIKTOK_V2_AUTHORIZE_URL) {
    const auth0Error = location.searchParams.get("error");
    const said = auth0Error ? ` with ${auth0Error}: ${location.searchParams.get("error_description") ?? ""}` : "";
    return fail(
      title,
      `Auth0 redirected to ${location.origin}${location.pathname}${said}, not to TikTok.`,
      notEnabledHint,
    );
  }

  const problems = authorizeQueryProblems(location.searchParams, target);
  if (problems.length > 0) {
    return fail(
      title,
      `Auth0 redirects to TikTok v2, but ${problems.join("; ")}.`,
      "The connection's options were changed outside Pulumi (a PATCH of options replaces them all). Run `pulumi up` to restore them.",
    );
  }
  return pass(
    title,
    `Auth0 redirects to ${TIKTOK_V2_AUTHORIZE_URL} with client_key and scope ${location.searchParams.get("scope")}; ` +
      `TikTok must list ${auth0CallbackUrl(target.auth0BaseUrl)} as a redirect URI.`,
  );
}

/** What TikTok would reject in the redirect's query, each said in one phrase. */
function authorizeQueryProblems(query: URLSearchParams, target: VerifyTarget): string[] {
  const problems: string[] = [];
  const clientKey = query.get("client_key");
  if (clientKey === null) {
    problems.push(
      query.has("client_id")
        ? "it carries client_id and no client_key, which TikTok rejects (upstream_params is missing)"
        : "it carries no client_key (upstream_params is missing)",
    );
  } else if (clientKey !== target.tiktokClientKey) {
    problems.push(`its client_key is ${clientKey}, not the stack's ${target.tiktokClientKey}`);
  }

  const scope = query.get("scope");
  if (scope === null || scope === "") {
    problems.push("it carries no scope");
  } else if (/\s/.test(scope)) {
    problems.push(
      `its scope "${scope}" is space-separated; TikTok needs commas (the connection's scopes must be one comma-joined element)`,
    );
  } else if (target.scopes !== undefined && !sameSet(scope.split(","), target.scopes)) {
    problems.push(`its scope is ${scope}, not the stack's ${target.scopes.join(",")}`);
  }

  if (query.get("response_type") !== "code")
    problems.push(`its response_type is ${query.get("response_type") ?? "missing"}, not code`);
  const expectedCallback = auth0CallbackUrl(target.auth0BaseUrl);
  if (query.get("redirect_uri") !== expectedCallback) {
    problems.push(`its redirect_uri is ${query.get("redirect_uri") ?? "missing"}, not ${expectedCallback}`);
  }
  return problems;
}

// --- shared -------------------------------------------------------------------------------------

interface OAuthErrorBody {
  error?: string;
  error_description?: string;
}

type Answer =
  { kind: "answer"; status: number; body: string; error: OAuthErrorBody } | { kind: "no_answer"; reason: string };

function tokenRequest(target: VerifyTarget, { withSharedSecret }: { withSharedSecret: boolean }): HttpRequest {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  if (withSharedSecret) headers[SHARED_SECRET_HEADER] = target.sharedSecret;
  return {
    method: "POST",
    url: target.tokenUrl,
    headers,
    // What Auth0 sends (docs/protocol.md, "The token call and custom headers"), with a code TikTok never issued.
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: BOGUS_CODE,
      redirect_uri: auth0CallbackUrl(target.auth0BaseUrl),
      client_id: target.tiktokClientKey,
      client_secret: target.tiktokClientSecret,
    }).toString(),
  };
}

async function send(http: HttpClient, request: HttpRequest): Promise<Answer> {
  try {
    const response = await http(request);
    return { kind: "answer", status: response.status, body: response.body, error: parseOAuthError(response.body) };
  } catch (err) {
    return { kind: "no_answer", reason: reasonOf(err) };
  }
}

function parseOAuthError(body: string): OAuthErrorBody {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed === null || typeof parsed !== "object") return {};
    const { error, error_description } = parsed as Record<string, unknown>;
    return {
      error: typeof error === "string" ? error : undefined,
      error_description: typeof error_description === "string" ? error_description : undefined,
    };
  } catch {
    return {};
  }
}

function mentionsSharedSecretHeader(error: OAuthErrorBody): boolean {
  return (error.error_description ?? "").includes(SHARED_SECRET_HEADER);
}

/** Answers that come from AWS or a wrong URL rather than from the proxy. */
function functionUrlProblem(status: number, body: string): { summary: string; hint: string } | undefined {
  if (status === 403) {
    return {
      summary: "the function URL answered 403 Forbidden: the request never reached the proxy.",
      hint:
        "The function's resource policy lacks lambda:InvokeFunctionUrl (FunctionUrlAuthType NONE) or lambda:InvokeFunction " +
        "(InvokedViaFunctionUrl true). Run `pulumi up`: the program declares both.",
    };
  }
  if (status === 404) {
    return {
      summary: `the token URL answered 404${body.includes(TOKEN_PATH) ? " (the proxy serves another path)" : ""}.`,
      hint:
        `The token URL must be the function URL followed by ${TOKEN_PATH}: take it from the tokenUrl output, ` +
        "and run `pulumi up` if the connection disagrees.",
    };
  }
  return undefined;
}

function describeAnswer(answer: { status: number; error: OAuthErrorBody }): string {
  return answer.error.error ? `${answer.status} ${answer.error.error}` : `HTTP ${answer.status}`;
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch hides the network reason (ECONNREFUSED, ENOTFOUND, ...) in `cause`.
  const cause: unknown = (err as Error & { cause?: unknown }).cause;
  const code = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
  return code ? `${err.message} (${code})` : err.message;
}

function unreachable(title: string, url: string, reason: string): CheckResult {
  return fail(
    title,
    `no answer from ${url}: ${reason}.`,
    "Check the URL (the stack's outputs and auth0:domain) and this machine's network; if the stack was destroyed, run `pulumi up`.",
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

const pass = (title: string, summary: string): CheckResult => ({ title, status: "PASS", summary });
const fail = (title: string, summary: string, hint: string): CheckResult => ({ title, status: "FAIL", summary, hint });
const skip = (title: string, summary: string): CheckResult => ({ title, status: "SKIP", summary });

function redactResult(result: CheckResult, secrets: readonly string[]): CheckResult {
  const redact = (text: string) => redactSecrets(text, secrets, HIDDEN);
  return {
    ...result,
    summary: redact(result.summary),
    ...(result.hint === undefined ? {} : { hint: redact(result.hint) }),
  };
}
