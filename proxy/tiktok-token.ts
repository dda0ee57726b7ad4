import { isRecord } from "./http-response";
import { isOAuthErrorCode, OAuthError, oauthError } from "./oauth-error";
import { revealsSecret, sharesLongRun } from "./redact";
import { TokenRequest } from "./token-request";

/** TikTok v2 wants `client_key` where RFC 6749 says `client_id`; every other field is passed as received. */
export function toTikTokTokenRequest(request: TokenRequest): URLSearchParams {
  // URLSearchParams encodes each value exactly once, so a code with `*` or `!` reaches TikTok intact.
  const form = new URLSearchParams();
  form.set("client_key", request.clientId);
  form.set("client_secret", request.clientSecret);
  form.set("grant_type", request.grantType);
  if (request.grantType === "authorization_code") {
    form.set("code", request.code);
    form.set("redirect_uri", request.redirectUri);
    if (request.codeVerifier !== undefined) form.set("code_verifier", request.codeVerifier);
  } else {
    form.set("refresh_token", request.refreshToken);
  }
  return form;
}

/** The RFC 6749 §5.1 response Auth0 receives: TikTok's flat fields, nothing else. */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in?: number;
  refresh_token?: string;
  refresh_expires_in?: number;
  scope?: string;
  open_id?: string;
}

export type NormalizedTokenResponse =
  | { kind: "ok"; token: TokenResponse; logId?: string }
  | { kind: "tiktok_error"; error: OAuthError; logId?: string }
  | { kind: "upstream_error"; error: OAuthError; logId?: string };

const TOKEN_FIELDS = ["access_token", "refresh_token"] as const;
const STRING_FIELDS = ["scope", "open_id"] as const;
const LIFETIME_FIELDS = ["expires_in", "refresh_expires_in"] as const;

/**
 * TikTok also reports its own outages and throttling in the body (its other v2 APIs use
 * `internal_error` and `rate_limit_exceeded`): not the user's fault, so logged as upstream errors.
 * The status the proxy answers with: 503 for throttling, as for an HTTP 429, else 502.
 */
const UPSTREAM_OUTAGE_CODES: ReadonlyMap<string, number> = new Map([
  ["server_error", 502],
  ["temporarily_unavailable", 502],
  ["internal_error", 502],
  ["rate_limit_exceeded", 503],
]);

/**
 * A token is VSCHAR (RFC 6749 Appendix A) without the space: it travels in an
 * `Authorization: Bearer` header, where a space would split it. `!` and `*` stay allowed: TikTok uses them.
 */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;
/** TikTok's log ids are letters and digits; anything else, or anything sharing a run with a secret, is not logged. */
const PLAIN_LOG_ID = /^[A-Za-z0-9_.-]{1,100}$/;
/** TikTok's error codes look like `invalid_grant` or `scope_permission_missed`. */
const PLAIN_ERROR_CODE = /^[A-Za-z0-9_.]{1,64}$/;

function upstreamError(description: string, logId?: string, status = 502): NormalizedTokenResponse {
  return { kind: "upstream_error", error: oauthError(status, "temporarily_unavailable", description), logId };
}

const repeatsRequest = (name: string, logId?: string) =>
  upstreamError(`TikTok's ${name} repeats part of the request.`, logId);

/** A whole number of seconds, as a number or a string of digits; undefined: absent; null: unusable. */
function lifetime(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === "string" && /^\d{1,15}$/.test(value)) return Number(value);
  return null;
}

/**
 * The code of TikTok's error, given as a string or, in the shape of its other v2 APIs, as
 * `{code, message, log_id}`; `undefined` when there is no error. Its message is never read: TikTok's
 * free text is not passed on.
 */
function readErrorCode(fields: Record<string, unknown>): { code: unknown } | undefined {
  const error = fields.error;
  if (error === undefined || error === null || error === "") return undefined;
  if (isRecord(error)) {
    // The other v2 APIs say "ok" for success; an "ok" here is no error either.
    if (error.code === "ok") return undefined;
    return { code: error.code };
  }
  return { code: error };
}

/**
 * A short value copied from TikTok's answer into the response or the log (an error code, a log id):
 * kept only if it has the plain shape expected and shares nothing with a request secret, in any
 * spelling, nor any run of characters.
 */
function plainCopy(value: unknown, shape: RegExp, secrets: readonly string[]): string | undefined {
  return typeof value === "string" &&
    shape.test(value) &&
    !revealsSecret(value, secrets) &&
    !sharesLongRun(value, secrets)
    ? value
    : undefined;
}

/**
 * Interprets TikTok's answer by its body and its status: TikTok reports most errors with HTTP 200,
 * and a non-2xx answer is never a success, whatever its body. Everything copied from the answer
 * (into the response or the log) is scrubbed of `secrets`, the values the request carried;
 * `reissuable` is the refresh token of a refresh grant, which TikTok may legitimately hand back.
 */
export function normalizeTokenResponse(
  status: number,
  bodyText: string,
  secrets: readonly string[],
  reissuable?: string,
): NormalizedTokenResponse {
  const parsed = parseJsonObject(bodyText);
  const fields = parsed ?? {};
  const error = readErrorCode(fields);
  // The tokens this answer carries are secrets too for what is copied beside them: a log id that
  // echoes the access token would put it in the log, where it is as good as the token itself.
  const copySecrets = [...secrets, ...TOKEN_FIELDS.map((name) => fields[name]).filter((v) => typeof v === "string")];
  const logId = plainCopy(
    fields.log_id ?? (isRecord(fields.error) ? fields.error.log_id : undefined),
    PLAIN_LOG_ID,
    copySecrets,
  );

  // Every refusal of the answer's shape says what TikTok answered, in one sentence.
  const answered = (what: string) => upstreamError(`TikTok answered HTTP ${status}${what}.`, logId);

  // Throttling is transient: Auth0 fails the login either way, but our logs must not blame the client.
  if (status === 429)
    return upstreamError("TikTok is throttling token requests (HTTP 429); try again later.", logId, 503);
  if (status >= 500) return answered("");
  if (parsed === undefined) return answered(" with a body that is not a JSON object");

  if (error !== undefined) {
    const code = plainCopy(error.code, PLAIN_ERROR_CODE, copySecrets);
    if (code === undefined) return answered(" with an unreadable error");
    // TikTok's own description is never passed on: it is free text that may echo the request in an
    // encoding no redaction can foresee, and Auth0 may show it to the user. The code says what
    // happened; tiktok_log_id in the log finds the rest at TikTok.
    const outageStatus = UPSTREAM_OUTAGE_CODES.get(code);
    if (outageStatus !== undefined) {
      return upstreamError(`TikTok reported ${code}; try again later.`, logId, outageStatus);
    }
    if (!isOAuthErrorCode(code)) {
      return { kind: "tiktok_error", error: oauthError(400, "invalid_request", `TikTok error ${code}.`), logId };
    }
    return {
      kind: "tiktok_error",
      error: oauthError(code === "invalid_client" ? 401 : 400, code, `TikTok refused the request (${code}).`),
      logId,
    };
  }

  if (status < 200 || status > 299) {
    return answered(" without an error; that is not a token response");
  }
  if (fields.access_token === undefined || fields.access_token === null || fields.access_token === "") {
    return answered(" without an access_token or an error");
  }

  const token: Partial<TokenResponse> = { token_type: "Bearer" };
  for (const name of TOKEN_FIELDS) {
    const value = fields[name];
    if (value === undefined || (name === "refresh_token" && value === null)) continue;
    if (typeof value !== "string" || !TOKEN_CHARS.test(value)) {
      return upstreamError(`TikTok's ${name} is empty or not a token (printable ASCII, no spaces).`, logId);
    }
    const others =
      name === "refresh_token" ? secrets.filter((secret) => secret !== reissuable || value !== secret) : secrets;
    if (revealsSecret(value, others)) return repeatsRequest(name, logId);
    token[name] = value;
  }
  for (const name of LIFETIME_FIELDS) {
    const value = lifetime(fields[name]);
    if (value === null) return upstreamError(`TikTok's ${name} is not a whole, non-negative number of seconds.`, logId);
    if (value !== undefined) token[name] = value;
  }
  for (const name of STRING_FIELDS) {
    const value = fields[name];
    if (typeof value !== "string") continue;
    if (revealsSecret(value, secrets)) return repeatsRequest(name, logId);
    token[name] = value;
  }
  return { kind: "ok", token: token as TokenResponse, logId };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    // One leading UTF-8 byte order mark is legal in a JSON text's bytes (RFC 8259 §8.1 lets a
    // parser ignore it), but JSON.parse refuses it.
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ""));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
