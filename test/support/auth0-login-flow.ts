import OAuth2Strategy from "passport-oauth2";
import { TOKEN_PATH } from "../../proxy/token-proxy";
import { Auth0Profile, ProfileScriptRun, runFetchUserProfile } from "./auth0-profile-script";
import type { ConnectionInputs } from "./login-stack";

/**
 * Auth0's side of a "Log in with TikTok", simulated with no client code of ours: a passport-oauth2
 * strategy (the library Auth0's custom social connections are built on) configured from the
 * connection's inputs, driven through passport's own authenticate flow, with the connection's
 * fetchUserProfile script run the way Auth0 runs it. Only the origins change: TikTok is a local
 * stand-in and the token URL points at a local proxy, with the paths checked before they are swapped.
 */

/** TikTok's v2 authorize path; the connection must point at it (v1 is dead since 2024-02-29). */
export const TIKTOK_AUTHORIZE_PATH = "/v2/auth/authorize/";

export interface LoginEndpoints {
  /** Origin of the TikTok stand-in: the authorize page, and open.tiktokapis.com for the profile script. */
  tiktokOrigin: string;
  /** Origin of the token proxy; the connection's token URL keeps its path. */
  proxyOrigin: string;
  /** The Auth0 tenant's domain: TikTok sends the browser back to https://<domain>/login/callback. */
  auth0Domain: string;
}

/** Ways to configure the client differently from the connection, to exercise failures. */
export interface ClientVariation {
  /** Send no custom headers, as a caller other than our Auth0 connection would. */
  withoutCustomHeaders?: boolean;
  /** Use this client secret instead of the connection's. */
  clientSecret?: string;
}

/** The user Auth0 would store, under `oauth2|<connection name>|<profile.user_id>`. */
export interface Auth0User {
  user_id: string;
  profile: Auth0Profile;
}

/** What Auth0 got back from the token URL, as passport hands it to the verify callback. */
export interface ReceivedTokens {
  accessToken: string;
  refreshToken: string | undefined;
  /** The rest of the token response; node-oauth removes refresh_token from it. */
  params: Record<string, unknown>;
}

/** Everything the Auth0 side did after a token exchange, in order, so a test can prove a failure left nothing behind. */
export interface LoginRecord {
  tokens: ReceivedTokens[];
  profileRuns: ProfileScriptRun[];
  users: Auth0User[];
}

/** How one call of passport's authenticate ended: exactly one of the actions passport gives a strategy. */
export type AuthenticateOutcome =
  | { kind: "success"; user: unknown; info: unknown }
  | { kind: "fail"; challenge: unknown; status: number | undefined }
  | { kind: "redirect"; url: string; status: number | undefined }
  | { kind: "error"; error: Error }
  | { kind: "pass" };

/** The login session Auth0 keeps between /authorize and /login/callback; passport stores the state in it. */
export type LoginSession = Record<string, unknown>;

type TokenResponseParams = Record<string, unknown>;

/** The actions passport's authenticate middleware sets on the object it creates from a strategy. */
interface StrategyActions {
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  redirect(url: string, status?: number): void;
  pass(): void;
  error(err: Error): void;
}

// A strategy that calls none of its actions has a bug; it must not hang a test or the demo.
const AUTHENTICATE_DEADLINE_MS = 10_000;

/**
 * Calls `strategy.authenticate(req, options)` the way passport's middleware does (and
 * chai-passport-strategy, passport's own test helper): on a fresh object created from the strategy,
 * with the five actions set on it. Resolves with whichever action the strategy took.
 */
export function authenticate(
  strategy: OAuth2Strategy,
  req: { query: Record<string, string>; session: LoginSession },
  options: object = {},
): Promise<AuthenticateOutcome> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `passport called none of success, fail, redirect, pass or error within ${AUTHENTICATE_DEADLINE_MS} ms`,
          ),
        ),
      AUTHENTICATE_DEADLINE_MS,
    );
    const settle = (outcome: AuthenticateOutcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    const actions: StrategyActions = {
      success: (user, info) => settle({ kind: "success", user, info }),
      fail: (challenge, status) => settle({ kind: "fail", challenge, status }),
      redirect: (url, status) => settle({ kind: "redirect", url, status }),
      pass: () => settle({ kind: "pass" }),
      error: (error) => settle({ kind: "error", error }),
    };
    const augmented: OAuth2Strategy = Object.assign(Object.create(strategy), actions);
    try {
      // passport-oauth2 reads only req.query, req.body and req.session here; no Express is needed.
      augmented.authenticate(req, options);
    } catch (err) {
      clearTimeout(timer);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

/**
 * Auth0's `upstream_params`: `{"<param>":{"value":"<static value>"}}`, each added to the authorize
 * redirect only. `alias` (copying a parameter of the incoming /authorize call) is refused: the
 * connection must not use it (docs/protocol.md, `upstream_params`), and a simulation that guessed its behaviour
 * would prove nothing.
 */
export function parseUpstreamParams(json: string): Record<string, string> {
  const parsed: unknown = JSON.parse(json);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`upstream_params must be a JSON object, got ${json}`);
  }
  const params: Record<string, string> = {};
  for (const [name, spec] of Object.entries(parsed)) {
    const value: unknown =
      spec !== null && typeof spec === "object" ? (spec as Record<string, unknown>).value : undefined;
    if (typeof value !== "string")
      throw new Error(`upstream_params.${name} must be {"value":"<string>"}, got ${JSON.stringify(spec)}`);
    params[name] = value;
  }
  return params;
}

/** `url` with its origin replaced by `origin`, after checking it has the path the other side serves. */
export function withOrigin(url: string, origin: string, expectedPath: string): string {
  const parsed = new URL(url);
  if (parsed.pathname !== expectedPath) throw new Error(`${url} does not have the path ${expectedPath}`);
  return new URL(parsed.pathname + parsed.search, origin).toString();
}

/**
 * passport-oauth2 plus what Auth0 layers on it: upstream_params on the authorize redirect. The HTTP
 * status of a token error is kept on the TokenError (passport drops it), since it is what tells a
 * refusal by the proxy (401) from TikTok being down (502).
 */
class Auth0ConnectionStrategy extends OAuth2Strategy {
  constructor(
    options: OAuth2Strategy.StrategyOptions,
    verify: OAuth2Strategy.VerifyFunction,
    private readonly upstreamParams: Record<string, string>,
  ) {
    super(options, verify);
  }

  authorizationParams(): object {
    return { ...this.upstreamParams };
  }

  parseErrorResponse(body: string, status: number): Error | null {
    const error = super.parseErrorResponse(body, status);
    if (error instanceof OAuth2Strategy.TokenError) error.status = status;
    return error;
  }
}

export interface SimulatedAuth0 {
  readonly strategy: OAuth2Strategy;
  /** https://<tenant>/login/callback: the redirect_uri registered with TikTok. */
  readonly callbackUrl: string;
  readonly record: LoginRecord;
  /** Step 1: a browser arrives at Auth0's /authorize; resolves with where Auth0 sends it (TikTok's authorize URL). */
  startLogin(session: LoginSession): Promise<string>;
  /** Step 2: the browser comes back to /login/callback at `callbackUrl` (code, scopes, state, or an error). */
  finishLogin(session: LoginSession, callbackUrl: string): Promise<AuthenticateOutcome>;
}

/** The Auth0 side of the connection described by `connection`, against the given stand-ins. */
export function simulateAuth0(
  connection: ConnectionInputs,
  endpoints: LoginEndpoints,
  variation: ClientVariation = {},
): SimulatedAuth0 {
  const { options } = connection;
  const callbackUrl = `https://${endpoints.auth0Domain}/login/callback`;
  const record: LoginRecord = { tokens: [], profileRuns: [], users: [] };

  // Auth0 passes the token response as the script's `context`, which userProfile() never sees, so
  // the script runs in the verify callback (the five-argument form receives the response).
  const verify = (
    accessToken: string,
    refreshToken: string | undefined,
    params: TokenResponseParams,
    _profile: unknown,
    verified: OAuth2Strategy.VerifyCallback,
  ): void => {
    record.tokens.push({ accessToken, refreshToken, params });
    runFetchUserProfile(options.scripts.fetchUserProfile, endpoints.tiktokOrigin, accessToken, params).then(
      (run) => {
        record.profileRuns.push(run);
        if (run.err !== null) return verified(run.err);
        if (run.profile === undefined || typeof run.profile.user_id !== "string") {
          return verified(new Error("fetchUserProfile called back without a profile carrying a user_id"));
        }
        const user: Auth0User = { user_id: `oauth2|${connection.name}|${run.profile.user_id}`, profile: run.profile };
        record.users.push(user);
        verified(null, user);
      },
      (err: unknown) => verified(err),
    );
  };

  const strategy = new Auth0ConnectionStrategy(
    {
      authorizationURL: withOrigin(options.authorizationEndpoint, endpoints.tiktokOrigin, TIKTOK_AUTHORIZE_PATH),
      tokenURL: withOrigin(options.tokenEndpoint, endpoints.proxyOrigin, TOKEN_PATH),
      clientID: options.clientId,
      clientSecret: variation.clientSecret ?? options.clientSecret,
      callbackURL: callbackUrl,
      scope: options.scopes,
      customHeaders: variation.withoutCustomHeaders
        ? undefined
        : Object.fromEntries(options.customHeaders.map(({ header, value }) => [header, value])),
      state: true,
      skipUserProfile: true,
    },
    verify,
    parseUpstreamParams(options.upstreamParams),
  );

  return {
    strategy,
    callbackUrl,
    record,
    async startLogin(session) {
      const outcome = await authenticate(strategy, { query: {}, session });
      if (outcome.kind !== "redirect")
        throw new Error(`Auth0's /authorize step ended in ${describeOutcome(outcome)}, not a redirect`);
      return outcome.url;
    },
    async finishLogin(session, returnedTo) {
      const url = new URL(returnedTo);
      if (`${url.origin}${url.pathname}` !== callbackUrl) {
        throw new Error(
          `TikTok sent the browser to ${url.origin}${url.pathname}, not to Auth0's callback ${callbackUrl}`,
        );
      }
      const outcome = await authenticate(strategy, { query: Object.fromEntries(url.searchParams), session });
      if (outcome.kind === "success" && !record.users.includes(outcome.user as Auth0User)) {
        throw new Error("passport reported success with a user the verify callback did not create");
      }
      return outcome;
    },
  };
}

/**
 * The browser at TikTok's authorize page: GET it without following the redirect, and return where
 * TikTok sends the browser next (Auth0's callback with code and scopes, or with an error).
 */
export async function visitTikTokAuthorize(authorizeUrl: string): Promise<string> {
  const response = await fetch(authorizeUrl, { redirect: "manual" });
  const location = response.headers.get("location");
  if (response.status !== 302 || location === null) {
    const body = (await response.text()).slice(0, 300);
    throw new Error(`TikTok's authorize page answered ${response.status} instead of redirecting back: ${body}`);
  }
  return location;
}

export interface LoginRun {
  /** Where Auth0 sent the browser: TikTok's authorize URL (on the stand-in's origin). */
  authorizeUrl: string;
  /** Where TikTok sent the browser back: Auth0's callback with code, scopes and state. */
  callbackUrl: string;
  outcome: AuthenticateOutcome;
}

/** A whole login in a fresh session: /authorize, TikTok's consent page, /login/callback. */
export async function logIn(auth0: SimulatedAuth0, session: LoginSession = {}): Promise<LoginRun> {
  const authorizeUrl = await auth0.startLogin(session);
  const callbackUrl = await visitTikTokAuthorize(authorizeUrl);
  const outcome = await auth0.finishLogin(session, callbackUrl);
  return { authorizeUrl, callbackUrl, outcome };
}

export function describeOutcome(outcome: AuthenticateOutcome): string {
  switch (outcome.kind) {
    case "success":
      return "success";
    case "fail":
      return `fail (${JSON.stringify(outcome.challenge)}, status ${outcome.status ?? "none"})`;
    case "redirect":
      return `redirect to ${outcome.url}`;
    case "error":
      return `error (${outcome.error.name}: ${outcome.error.message})`;
    case "pass":
      return "pass";
  }
}
