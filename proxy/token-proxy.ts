import { createHash, timingSafeEqual } from "node:crypto";
import { ProxyConfig } from "./config";
import { jsonResponse, ProxyResponse } from "./http-response";
import { RequestLog, Logger } from "./log";
import { OAuthError, oauthError, oauthErrorResponse } from "./oauth-error";
import { normalizeTokenResponse, toTikTokTokenRequest } from "./tiktok-token";
import { parseBody, parseTokenRequest, RequestHeaders, secretsOf, TokenRequest } from "./token-request";
import { PostForm, UpstreamFailure } from "./upstream";

export const TOKEN_PATH = "/proxy/token";
export const MAX_BODY_BYTES = 16 * 1024;
export const SHARED_SECRET_HEADER = "x-proxy-secret";

/** One HTTP request, after the adapter has taken it off its transport. */
export interface ProxyRequest {
  method: string;
  path: string;
  headers: RequestHeaders;
  /** The raw body, or the adapter's reason for not having one (too large, not valid base64). */
  body: Uint8Array | OAuthError;
}

export interface TokenProxyDeps {
  postForm: PostForm;
  log: Logger;
  now?: () => number;
}

/**
 * Decides a request before reading its body, so adapters can refuse early (413 from
 * Content-Length, wrong route) without buffering anything.
 */
export function precheck(method: string, path: string, contentLength?: number): OAuthError | undefined {
  if (path !== TOKEN_PATH)
    return oauthError(404, "invalid_request", `Not found. The token endpoint is POST ${TOKEN_PATH}.`);
  if (method !== "POST") {
    return oauthError(405, "invalid_request", `Method not allowed. Use POST ${TOKEN_PATH}.`, { allow: "POST" });
  }
  if (contentLength !== undefined && contentLength > MAX_BODY_BYTES) return bodyTooLarge();
  return undefined;
}

export function bodyTooLarge(): OAuthError {
  return oauthError(413, "invalid_request", `The body exceeds ${MAX_BODY_BYTES} bytes.`);
}

/** The answer to a bug of ours: RFC 6749 shape, and no stack trace or detail. */
export const unexpectedFailure = (): ProxyResponse =>
  oauthErrorResponse(oauthError(500, "server_error", "The token proxy failed unexpectedly."));

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Whether `received` is one of the accepted values, in time that reveals neither the values nor
 * which of them matched: each side is hashed to 32 bytes, so lengths do not show, and the received
 * value is compared with every accepted one, without stopping at the first match.
 */
export function sharedSecretMatches(accepted: readonly string[], received: string | undefined): boolean {
  if (received === undefined) return false;
  const receivedDigest = digest(received);
  let matched = false;
  for (const value of accepted) {
    // timingSafeEqual first: `||` must never skip a comparison.
    matched = timingSafeEqual(digest(value), receivedDigest) || matched;
  }
  return matched;
}

/** The whole proxy, transport-free: validate, translate, call TikTok once, translate back, log once. */
export async function handleTokenProxyRequest(
  request: ProxyRequest,
  config: ProxyConfig,
  deps: TokenProxyDeps,
): Promise<ProxyResponse> {
  const now = deps.now ?? Date.now;
  const started = now();
  let decision: Decision;
  try {
    decision = await decide(request, config, deps.postForm);
  } catch {
    // A bug of ours must still answer in RFC 6749 shape, and must not leak a stack trace.
    decision = {
      response: unexpectedFailure(),
      log: { outcome: "internal_error", error: "server_error" },
    };
  }
  const { response, log } = decision;
  logSafely(deps.log, { msg: "token_request", ...log, status: response.status, duration_ms: now() - started });
  return response;
}

/**
 * A log line that cannot be written (a full pipe, EAGAIN from the runtime's writer) must never change
 * the answer: by then TikTok may have spent the single-use code, and only this response carries the token.
 */
function logSafely(log: TokenProxyDeps["log"], entry: RequestLog): void {
  try {
    log(entry);
  } catch {
    // Nothing else to do: the answer matters more than its log line.
  }
}

/** Refuses a request the adapter could not even read (a malformed Lambda event), logged like any refusal. */
export function refuseRequest(error: OAuthError, deps: TokenProxyDeps): ProxyResponse {
  const { response, log } = rejected(error);
  logSafely(deps.log, { msg: "token_request", ...log, status: response.status, duration_ms: 0 });
  return response;
}

type Decision = { response: ProxyResponse; log: Omit<RequestLog, "msg" | "status" | "duration_ms"> };

function rejected(error: OAuthError, grantType?: TokenRequest["grantType"]): Decision {
  return {
    response: oauthErrorResponse(error),
    log: { outcome: "rejected", error: error.error, grant_type: grantType },
  };
}

async function decide(request: ProxyRequest, config: ProxyConfig, postForm: PostForm): Promise<Decision> {
  const early = precheck(request.method, request.path);
  if (early) return rejected(early);
  if (!(request.body instanceof Uint8Array)) return rejected(request.body);
  if (request.body.length > MAX_BODY_BYTES) return rejected(bodyTooLarge());

  if (
    config.sharedSecrets.length > 0 &&
    !sharedSecretMatches(config.sharedSecrets, request.headers[SHARED_SECRET_HEADER])
  ) {
    return rejected(oauthError(401, "invalid_client", `The ${SHARED_SECRET_HEADER} header is missing or wrong.`));
  }

  const params = parseBody(request.headers["content-type"], request.body);
  if (!params.ok) return rejected(params.error);
  const parsed = parseTokenRequest(request.headers, params.value);
  if (!parsed.ok) return rejected(parsed.error);
  const tokenRequest = parsed.value;
  const grantType = tokenRequest.grantType;

  if (config.tiktokClientKey !== undefined && tokenRequest.clientId !== config.tiktokClientKey) {
    return rejected(oauthError(401, "invalid_client", "This proxy does not serve that client_id."), grantType);
  }

  let upstream;
  try {
    upstream = await postForm(config.tiktokTokenUrl, toTikTokTokenRequest(tokenRequest), config.timeoutMs);
  } catch (err) {
    const timedOut = err instanceof UpstreamFailure && err.kind === "timeout";
    const reason = err instanceof UpstreamFailure ? err.message : "could not reach TikTok";
    return {
      response: oauthErrorResponse(
        oauthError(timedOut ? 504 : 502, "temporarily_unavailable", `TikTok token endpoint failed: ${reason}.`),
      ),
      log: {
        outcome: timedOut ? "upstream_timeout" : "upstream_error",
        error: "temporarily_unavailable",
        grant_type: grantType,
      },
    };
  }

  const normalized = normalizeTokenResponse(
    upstream.status,
    upstream.body,
    secretsOf(tokenRequest),
    tokenRequest.grantType === "refresh_token" ? tokenRequest.refreshToken : undefined,
  );
  const common = { grant_type: grantType, upstream_status: upstream.status, tiktok_log_id: normalized.logId };
  if (normalized.kind === "ok") {
    return { response: jsonResponse(200, normalized.token), log: { outcome: "ok", ...common } };
  }
  return {
    response: oauthErrorResponse(normalized.error),
    log: { outcome: normalized.kind, error: normalized.error.error, ...common },
  };
}
