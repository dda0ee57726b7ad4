import { redactSecrets } from "./redact";
import { isOAuthErrorCode, OAuthError, oauthError } from "./oauth-error";
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

const STRING_FIELDS = ["refresh_token", "scope", "open_id"] as const;
const NUMBER_FIELDS = ["expires_in", "refresh_expires_in"] as const;

// TikTok also reports its own outages in the body; those are ours to retry, not the user's fault.
const UPSTREAM_OUTAGE_CODES = new Set(["server_error", "temporarily_unavailable"]);

function upstreamError(description: string, logId?: string): NormalizedTokenResponse {
  return { kind: "upstream_error", error: oauthError(502, "temporarily_unavailable", description), logId };
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/**
 * Interprets TikTok's answer by its body, never by its status alone: TikTok reports most
 * errors with HTTP 200. `secrets` are removed from anything TikTok's description echoes back.
 */
export function normalizeTokenResponse(
  status: number,
  bodyText: string,
  secrets: readonly string[],
): NormalizedTokenResponse {
  if (status >= 500) return upstreamError(`TikTok answered HTTP ${status}.`);

  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return upstreamError(`TikTok answered HTTP ${status} with a body that is not JSON.`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return upstreamError(`TikTok answered HTTP ${status} with JSON that is not an object.`);
  }
  const fields = body as Record<string, unknown>;
  const logId = typeof fields.log_id === "string" ? fields.log_id.slice(0, 100) : undefined;

  if (fields.error !== undefined && fields.error !== "") {
    // TikTok sends a string; anything else is still an error, named by its JSON text.
    const code = typeof fields.error === "string" ? fields.error : JSON.stringify(fields.error);
    // Values under 4 characters would also blank ordinary words in TikTok's text.
    const redactable = secrets.filter((secret) => secret.length >= 4);
    const described =
      typeof fields.error_description === "string" && fields.error_description !== ""
        ? redactSecrets(fields.error_description, redactable, "[redacted]")
        : `TikTok refused the request (${code}).`;
    if (UPSTREAM_OUTAGE_CODES.has(code)) return upstreamError(described, logId);
    if (!isOAuthErrorCode(code)) {
      return {
        kind: "tiktok_error",
        error: oauthError(400, "invalid_request", `TikTok error ${code}: ${described}`),
        logId,
      };
    }
    return { kind: "tiktok_error", error: oauthError(code === "invalid_client" ? 401 : 400, code, described), logId };
  }

  if (typeof fields.access_token !== "string" || fields.access_token === "") {
    return upstreamError(`TikTok answered HTTP ${status} without an access_token or an error.`, logId);
  }

  const token: TokenResponse = { access_token: fields.access_token, token_type: "Bearer" };
  for (const name of NUMBER_FIELDS) {
    const value = asNumber(fields[name]);
    if (value !== undefined) token[name] = value;
  }
  for (const name of STRING_FIELDS) {
    const value = fields[name];
    if (typeof value === "string") token[name] = value;
  }
  return { kind: "ok", token, logId };
}
