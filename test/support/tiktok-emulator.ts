/**
 * A TikTok v2 emulator over loopback HTTP, serving TikTok's real shapes. Each behaviour, its public
 * source and what is not documented by TikTok are in docs/protocol.md (TikTok Login Kit v2).
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type TikTokScope = "user.info.basic" | "user.info.profile" | "user.info.stats";

/** How the token endpoint misbehaves, to exercise the proxy's upstream-failure paths. */
export type TokenFault =
  | { kind: "none" }
  | { kind: "http_500" } // HTTP 500 with a JSON error body
  | { kind: "reset" } // destroys the socket without answering
  | { kind: "html" } // HTTP 200, text/html body
  | { kind: "slow"; delayMs: number }; // answers correctly, but only after delayMs

/** How the user-info endpoint misbehaves. */
export type UserInfoFault =
  | { kind: "none" }
  | { kind: "rate_limit_exceeded" } // 429
  | { kind: "internal_error" }; // 500

/** What the simulated user answers on TikTok's consent screen. */
export type AuthorizeDecision = "approve" | "deny";

export interface TikTokUser {
  open_id: string;
  union_id: string;
  display_name: string;
  avatar_url: string;
  avatar_url_100: string;
  avatar_large_url: string;
  bio_description: string;
  profile_deep_link: string;
  is_verified: boolean;
  username: string;
  follower_count: number;
  following_count: number;
  likes_count: number;
  video_count: number;
}

export interface EmulatorOptions {
  clientKey: string;
  clientSecret: string;
  /** Registered redirect URIs (exact match). */
  redirectUris: string[];
  user?: Partial<TikTokUser>;
}

export interface IssueCodeOptions {
  scopes?: TikTokScope[];
  redirectUri?: string;
  /** When set, the token call must carry a code_verifier whose hex SHA-256 equals this. */
  codeChallenge?: string;
}

/** The decoded form fields of one token request, as TikTok received it. */
export type ReceivedTokenRequest = Record<string, string>;

/** TikTok's token success body: flat, no `data` wrapper. */
export interface TokenSuccessBody {
  access_token: string;
  expires_in: number;
  open_id: string;
  refresh_expires_in: number;
  refresh_token: string;
  scope: string;
  token_type: "Bearer";
}

/** TikTok's token error body (usually sent with HTTP 200). */
export interface TokenErrorBody {
  error: string;
  error_description: string;
  log_id: string;
}

export interface TikTokEmulator {
  readonly baseUrl: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly userInfoUrl: string;
  readonly user: TikTokUser;
  /** Mints a single-use authorization code; real codes contain `*` and `!`, so these do too. */
  issueCode(options?: IssueCodeOptions): string;
  /** Shortcut for tests of the user-info side: a valid access token granting exactly `scopes`. */
  issueAccessToken(scopes: TikTokScope[]): string;
  setTokenFault(fault: TokenFault): void;
  setUserInfoFault(fault: UserInfoFault): void;
  /** Whether GET /v2/auth/authorize/ approves (the default) or the user denies. */
  setAuthorizeDecision(decision: AuthorizeDecision): void;
  /** Every token request received, decoded, in order. */
  readonly tokenRequests: ReceivedTokenRequest[];
  /** TCP connections accepted so far (to measure keep-alive reuse). */
  readonly connectionCount: number;
  close(): Promise<void>;
}

const SCOPES: readonly TikTokScope[] = ["user.info.basic", "user.info.profile", "user.info.stats"];
const SCOPE_FIELDS: { readonly [S in TikTokScope]: readonly (keyof TikTokUser)[] } = {
  "user.info.basic": ["open_id", "union_id", "avatar_url", "avatar_url_100", "avatar_large_url", "display_name"],
  "user.info.profile": ["bio_description", "profile_deep_link", "is_verified", "username"],
  "user.info.stats": ["follower_count", "following_count", "likes_count", "video_count"],
};
interface FieldScope {
  field: keyof TikTokUser;
  scope: TikTokScope;
}
const FIELD_SCOPE = new Map<string, FieldScope>();
for (const scope of SCOPES) for (const field of SCOPE_FIELDS[scope]) FIELD_SCOPE.set(field, { field, scope });

const CODE_TTL_MS = 5 * 60_000;
const ACCESS_TTL_S = 86_400;
const REFRESH_TTL_S = 31_536_000;
const PATHS = { authorize: "/v2/auth/authorize/", token: "/v2/oauth/token/", userInfo: "/v2/user/info/" };

const DEFAULT_USER: TikTokUser = {
  open_id: "-000ABCdefGHIjklMNOpqrSTUvwxYZ0123456",
  union_id: "c9d2e4a7-5b1f-5e3a-9c8d-2f6b0a4e1d73",
  display_name: "Tik Toker",
  avatar_url: "https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/abc123~c5_168x168.jpeg",
  avatar_url_100: "https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/abc123~c5_100x100.jpeg",
  avatar_large_url: "https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/abc123~c5_1080x1080.jpeg",
  bio_description: "Dancing through life",
  profile_deep_link: "https://vm.tiktok.com/ZMabc1234/",
  is_verified: false,
  username: "tiktoker",
  follower_count: 1234,
  following_count: 56,
  likes_count: 7890,
  video_count: 42,
};

const logId = (): string => randomBytes(16).toString("hex");
const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");
const tokenError = (error: string, error_description: string): TokenErrorBody => ({
  error,
  error_description,
  log_id: logId(),
});
/** The grant under `key`, unless it is missing or expired. */
const live = <G extends { expiresAt: number }>(grants: Map<string, G>, key: string): G | undefined => {
  const grant = grants.get(key);
  return grant !== undefined && grant.expiresAt > Date.now() ? grant : undefined;
};

/** Real codes carry `*` and `!` (and end like `!4994.va`), which is what exposes double-encoding. */
function newCode(): string {
  const body = randomBytes(30).toString("base64url");
  return `${body.slice(0, 20)}*${body.slice(20, 30)}!${body.slice(30)}!4994.va`;
}

/** Returns the scopes if every one is known and there is at least one; else undefined. */
function parseScopes(raw: string | null): TikTokScope[] | undefined {
  const scopes: TikTokScope[] = [];
  for (const name of (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const scope = SCOPES.find((s) => s === name);
    if (scope === undefined) return undefined;
    if (!scopes.includes(scope)) scopes.push(scope);
  }
  return scopes.length > 0 ? scopes : undefined;
}

function send(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}
const sendJson = (res: ServerResponse, status: number, body: unknown): void =>
  send(res, status, "application/json; charset=utf-8", JSON.stringify(body));
const sendHtml = (res: ServerResponse, status: number, html: string): void =>
  send(res, status, "text/html; charset=utf-8", html);
const sendUserInfoError = (res: ServerResponse, status: number, code: string, message: string): void =>
  sendJson(res, status, { data: {}, error: { code, message, log_id: logId() } });

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

interface CodeGrant {
  scopes: TikTokScope[];
  redirectUri: string;
  codeChallenge?: string;
  expiresAt: number;
}
interface TokenGrant {
  scopes: TikTokScope[];
  expiresAt: number;
}

export async function startTikTokEmulator(options: EmulatorOptions): Promise<TikTokEmulator> {
  const user: TikTokUser = { ...DEFAULT_USER, ...options.user };
  const codes = new Map<string, CodeGrant>();
  const accessTokens = new Map<string, TokenGrant>();
  const refreshTokens = new Map<string, TokenGrant>();
  const tokenRequests: ReceivedTokenRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let tokenFault: TokenFault = { kind: "none" };
  let userInfoFault: UserInfoFault = { kind: "none" };
  let decision: AuthorizeDecision = "approve";
  let connectionCount = 0;

  function issueCode(opts: IssueCodeOptions = {}): string {
    const redirectUri = opts.redirectUri ?? options.redirectUris[0];
    if (redirectUri === undefined) throw new Error("issueCode needs a redirectUri: none is registered");
    const code = newCode();
    const scopes = opts.scopes ?? ["user.info.basic"];
    codes.set(code, { scopes, redirectUri, codeChallenge: opts.codeChallenge, expiresAt: Date.now() + CODE_TTL_MS });
    return code;
  }

  function issueAccessToken(scopes: TikTokScope[]): string {
    const token = `act.${randomBytes(24).toString("base64url")}!4994.va`;
    accessTokens.set(token, { scopes: [...scopes], expiresAt: Date.now() + ACCESS_TTL_S * 1000 });
    return token;
  }

  function mint(scopes: TikTokScope[]): TokenSuccessBody {
    const refreshToken = `rft.${randomBytes(24).toString("base64url")}!4994.va`;
    refreshTokens.set(refreshToken, { scopes, expiresAt: Date.now() + REFRESH_TTL_S * 1000 });
    return {
      access_token: issueAccessToken(scopes),
      expires_in: ACCESS_TTL_S,
      open_id: user.open_id,
      refresh_expires_in: REFRESH_TTL_S,
      refresh_token: refreshToken,
      scope: scopes.join(","),
      token_type: "Bearer",
    };
  }

  function redeemCode(p: URLSearchParams): TokenSuccessBody | TokenErrorBody {
    const code = p.get("code");
    const redirectUri = p.get("redirect_uri");
    if (!code || !redirectUri) return tokenError("invalid_request", "Missing code or redirect_uri.");
    const grant = live(codes, code);
    // Consumed by any attempt: once TikTok has received a code, a retry is invalid_grant.
    codes.delete(code);
    if (grant === undefined) return tokenError("invalid_grant", "Authorization code is expired or invalid.");
    if (grant.redirectUri !== redirectUri) return tokenError("invalid_grant", "Redirect URI does not match.");
    const verifier = p.get("code_verifier");
    if (grant.codeChallenge !== undefined && (!verifier || sha256Hex(verifier) !== grant.codeChallenge)) {
      return tokenError("invalid_grant", "Code verifier is invalid.");
    }
    return mint(grant.scopes);
  }

  function redeemRefresh(p: URLSearchParams): TokenSuccessBody | TokenErrorBody {
    const token = p.get("refresh_token");
    if (!token) return tokenError("invalid_request", "Missing refresh_token.");
    const grant = live(refreshTokens, token);
    if (grant === undefined) return tokenError("invalid_grant", "Refresh token is invalid or expired.");
    refreshTokens.delete(token); // rotation: the old refresh token dies the moment a new one is issued
    return mint(grant.scopes);
  }

  function redeem(p: URLSearchParams): TokenSuccessBody | TokenErrorBody {
    for (const key of new Set(p.keys())) {
      // A repeated field (e.g. `code` appended twice) is how double-sending shows up.
      if (p.getAll(key).length > 1) return tokenError("invalid_request", `Duplicate parameter: ${key}.`);
    }
    const grantType = p.get("grant_type");
    const clientKey = p.get("client_key");
    const clientSecret = p.get("client_secret");
    if (!grantType || !clientKey || !clientSecret)
      return tokenError("invalid_request", "Missing client or grant_type.");
    if (clientKey !== options.clientKey || clientSecret !== options.clientSecret) {
      return tokenError("invalid_client", "Client key or secret is incorrect.");
    }
    if (grantType === "authorization_code") return redeemCode(p);
    if (grantType === "refresh_token") return redeemRefresh(p);
    return tokenError("unsupported_grant_type", `Grant type ${grantType} is not supported.`);
  }

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const mediaType = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    const isForm = mediaType === "application/x-www-form-urlencoded";
    const params = new URLSearchParams(isForm ? raw : "");
    tokenRequests.push(Object.fromEntries(params));

    const fault = tokenFault;
    if (fault.kind === "reset") return void req.socket.destroy();
    if (fault.kind === "http_500") return sendJson(res, 500, tokenError("server_error", "Internal server error."));
    if (fault.kind === "html") return sendHtml(res, 200, "<html><body><h1>Something went wrong</h1></body></html>");

    // Processed on receipt, answered late: a client that times out and retries finds the code spent.
    const answer = isForm ? redeem(params) : tokenError("invalid_request", "Body must be x-www-form-urlencoded.");
    if (fault.kind !== "slow") return sendJson(res, 200, answer);
    const timer = setTimeout(() => sendJson(res, 200, answer), fault.delayMs);
    timers.add(timer);
    // "close" comes on completion and on client disconnect alike; after either, the timer has nothing to do.
    res.on("close", () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  }

  function handleUserInfo(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const fail = (status: number, code: string, message: string): void => sendUserInfoError(res, status, code, message);
    if (userInfoFault.kind === "rate_limit_exceeded") return fail(429, "rate_limit_exceeded", "Too many requests.");
    if (userInfoFault.kind === "internal_error") return fail(500, "internal_error", "Internal error.");

    const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const grant = token === undefined ? undefined : live(accessTokens, token);
    if (grant === undefined) return fail(401, "access_token_invalid", "The access token is invalid or not found.");
    const names = (url.searchParams.get("fields") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length === 0) return fail(400, "invalid_params", "The fields parameter is required.");
    const wanted: FieldScope[] = [];
    for (const name of names) {
      const known = FIELD_SCOPE.get(name);
      if (known === undefined) return fail(400, "invalid_params", `Unknown field: ${name}.`);
      wanted.push(known);
    }
    const missed = wanted.find(({ scope }) => !grant.scopes.includes(scope));
    if (missed) return fail(400, "scope_permission_missed", `Field ${missed.field} needs scope ${missed.scope}.`);
    const picked = Object.fromEntries(wanted.map(({ field }) => [field, user[field]]));
    sendJson(res, 200, { data: { user: picked }, error: { code: "ok", message: "", log_id: logId() } });
  }

  function handleAuthorize(res: ServerResponse, url: URL): void {
    const q = url.searchParams;
    // Without a valid client or redirect target TikTok cannot redirect, so it shows an error page.
    const errorPage = (type: string): void =>
      sendHtml(
        res,
        400,
        `<html><body><a href="/v2/auth/error/?error_type=${type}">error_type=${type}</a></body></html>`,
      );
    if (q.get("client_key") !== options.clientKey) return errorPage("client_key");
    const redirectUri = q.get("redirect_uri") ?? "";
    if (!options.redirectUris.includes(redirectUri)) return errorPage("redirect_uri");

    const state = q.get("state");
    const redirect = (params: Record<string, string>): void => {
      const target = new URL(redirectUri);
      for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
      if (state) target.searchParams.set("state", state);
      res.writeHead(302, { location: target.toString(), "content-length": 0 });
      res.end();
    };
    const fail = (error: string, description: string): void => redirect({ error, error_description: description });
    if (q.get("response_type") !== "code") return fail("invalid_request", "response_type must be code.");
    if (!state) return fail("invalid_request", "state is required.");
    const scopes = parseScopes(q.get("scope"));
    if (scopes === undefined) return fail("invalid_scope", "The scope is invalid.");
    if (decision === "deny") return fail("access_denied", "The user denied the authorization request.");
    redirect({ code: issueCode({ scopes, redirectUri }), scopes: scopes.join(",") });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "POST" && url.pathname === PATHS.token) return handleToken(req, res);
    if (req.method === "GET" && url.pathname === PATHS.userInfo) return handleUserInfo(req, res, url);
    if (req.method === "GET" && url.pathname === PATHS.authorize) return handleAuthorize(res, url);
    await readBody(req); // drain, so the connection stays reusable
    sendUserInfoError(res, 404, "not_found", `No route for ${req.method} ${url.pathname}`);
  }

  const server = createServer((req, res) => {
    // An aborted request body is the client's doing; drop the exchange rather than crash the test run.
    route(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", () => void connectionCount++);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  return {
    baseUrl,
    authorizeUrl: baseUrl + PATHS.authorize,
    tokenUrl: baseUrl + PATHS.token,
    userInfoUrl: baseUrl + PATHS.userInfo,
    user,
    tokenRequests,
    get connectionCount(): number {
      return connectionCount;
    },
    issueCode,
    issueAccessToken,
    setTokenFault: (fault) => void (tokenFault = fault),
    setUserInfoFault: (fault) => void (userInfoFault = fault),
    setAuthorizeDecision: (d) => void (decision = d),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
