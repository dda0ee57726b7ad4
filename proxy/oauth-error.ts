import { jsonResponse, ProxyResponse } from "./http-response";

/** The error codes RFC 6749 §5.2 (token endpoint) and §4.1.2.1 define, which TikTok also uses. */
export const OAUTH_ERROR_CODES = [
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
  "access_denied",
  "server_error",
  "temporarily_unavailable",
] as const;

export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

export function isOAuthErrorCode(value: unknown): value is OAuthErrorCode {
  return typeof value === "string" && (OAUTH_ERROR_CODES as readonly string[]).includes(value);
}

/** A refusal the proxy decided on; it becomes an RFC 6749 error body. */
export interface OAuthError {
  status: number;
  error: OAuthErrorCode;
  description: string;
  headers?: Record<string, string>;
}

export function oauthError(
  status: number,
  error: OAuthErrorCode,
  description: string,
  headers?: Record<string, string>,
): OAuthError {
  return { status, error, description, headers };
}

/**
 * RFC 6749 §5.2 limits error_description to %x20-21 / %x23-5B / %x5D-7E; anything else
 * (quotes, backslashes, control characters, non-ASCII) is replaced so the body stays well-formed
 * for strict clients, and the text is capped so an upstream cannot make us echo a novel.
 */
export function sanitizeDescription(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "?").slice(0, 300);
}

export function oauthErrorResponse(err: OAuthError): ProxyResponse {
  return jsonResponse(
    err.status,
    { error: err.error, error_description: sanitizeDescription(err.description) },
    err.headers,
  );
}
