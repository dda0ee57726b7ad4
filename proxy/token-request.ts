import { OAuthError, oauthError } from "./oauth-error";

/** A token request as Auth0 (or any RFC 6749 client) sends it, validated. */
export type TokenRequest = AuthorizationCodeRequest | RefreshTokenRequest;

interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface AuthorizationCodeRequest extends ClientCredentials {
  grantType: "authorization_code";
  code: string;
  redirectUri: string;
  codeVerifier?: string;
}

export interface RefreshTokenRequest extends ClientCredentials {
  grantType: "refresh_token";
  refreshToken: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: OAuthError };

/** Lower-cased header names, as both node:http and Lambda function URLs deliver them. */
export type RequestHeaders = Record<string, string | undefined>;

export const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";
const FIELDS = ["grant_type", "client_id", "client_secret", "code", "redirect_uri", "code_verifier", "refresh_token"];

// RFC 6749 Appendix A: client ids, secrets, codes and refresh tokens are VSCHAR (%x20-7E).
const VSCHAR = /^[\x20-\x7e]+$/;
// RFC 7636 §4.1.
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
// A single character class, not repeated groups of four: a group repeated millions of times
// overflows the regex engine's stack (RangeError) on a body of a few MiB. Length is checked apart.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const utf8 = new TextDecoder("utf-8", { fatal: true });

const fail = (error: OAuthError): { ok: false; error: OAuthError } => ({ ok: false, error });
const invalidRequest = (description: string) => fail(oauthError(400, "invalid_request", description));
const repeatedParameter = (name: string) => invalidRequest(`The parameter ${name.slice(0, 40)} is repeated.`);

/** Strict UTF-8: a body with broken bytes is refused, never silently patched with U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Base64 as Lambda and HTTP Basic use it; Node's own decoder would accept garbage. */
export function decodeBase64(text: string): Buffer | undefined {
  return text.length % 4 === 0 && BASE64.test(text) ? Buffer.from(text, "base64") : undefined;
}

/** The application/x-www-form-urlencoded decoding of one name or value; undefined when malformed. */
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

/** RFC 6749 §3.2: a parameter sent twice is an error, not a choice. */
function parseForm(text: string): Parsed<Map<string, string>> {
  const params = new Map<string, string>();
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = formDecode(eq === -1 ? pair : pair.slice(0, eq));
    const value = formDecode(eq === -1 ? "" : pair.slice(eq + 1));
    if (name === undefined || value === undefined) {
      return invalidRequest("The body is not valid application/x-www-form-urlencoded.");
    }
    if (params.has(name)) return repeatedParameter(name);
    params.set(name, value);
  }
  return { ok: true, value: params };
}

/**
 * The first name the top-level object of `text` holds twice, decoded (`"c\u006fde"` is `code`).
 * JSON.parse silently keeps the last one, so it cannot tell. Only for text JSON.parse accepted
 * as an object: strings, the sole place a bracket or comma is not structure, are skipped whole.
 */
function repeatedJsonName(text: string): string | undefined {
  const names = new Set<string>();
  let depth = 0;
  let nameNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      while (text[++i] !== '"') if (text[i] === "\\") i++;
      if (depth === 1 && nameNext) {
        const name = JSON.parse(text.slice(start, i + 1)) as string;
        if (names.has(name)) return name;
        names.add(name);
        nameNext = false;
      }
    } else if (c === "{" || c === "[") nameNext = ++depth === 1;
    else if (c === "}" || c === "]") depth--;
    else if (c === "," && depth === 1) nameNext = true;
  }
  return undefined;
}

function parseJsonBody(text: string): Parsed<Map<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return invalidRequest("The body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return invalidRequest("The JSON body must be an object.");
  }
  // RFC 6749 §3.2, as for the form body.
  const repeated = repeatedJsonName(text);
  if (repeated !== undefined) return repeatedParameter(repeated);
  const params = new Map<string, string>();
  for (const field of FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(parsed, field)) continue;
    const value: unknown = (parsed as Record<string, unknown>)[field];
    if (typeof value !== "string") return invalidRequest(`The parameter ${field} must be a string.`);
    params.set(field, value);
  }
  return { ok: true, value: params };
}

export function parseBody(contentType: string | undefined, body: Uint8Array): Parsed<Map<string, string>> {
  const mediaType = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (mediaType !== FORM && mediaType !== JSON_TYPE) {
    return invalidRequest(`The Content-Type must be ${FORM} or ${JSON_TYPE}.`);
  }
  const text = decodeUtf8(body);
  if (text === undefined) return invalidRequest("The body is not valid UTF-8.");
  return mediaType === FORM ? parseForm(text) : parseJsonBody(text);
}

/** RFC 6749 §2.3.1: HTTP Basic, with id and secret each form-urlencoded before joining. */
function parseBasicCredentials(authorization: string): Parsed<ClientCredentials> {
  const invalidBasic = fail(
    oauthError(401, "invalid_client", "The Authorization header is not valid HTTP Basic client authentication.", {
      "www-authenticate": 'Basic realm="tiktok-auth0"',
    }),
  );
  const match = /^basic +(\S+) *$/i.exec(authorization);
  const raw = match ? decodeBase64(match[1]) : undefined;
  const decoded = raw && decodeUtf8(raw);
  if (!decoded) return invalidBasic;
  const colon = decoded.indexOf(":");
  if (colon === -1) return invalidBasic;
  const clientId = formDecode(decoded.slice(0, colon));
  const clientSecret = formDecode(decoded.slice(colon + 1));
  if (clientId === undefined || clientSecret === undefined) return invalidBasic;
  return { ok: true, value: { clientId, clientSecret } };
}

function readClientCredentials(headers: RequestHeaders, params: Map<string, string>): Parsed<ClientCredentials> {
  const authorization = headers["authorization"];
  // An empty value is no credential at all (RFC 6749 §2.3.1 lets clients omit an empty secret).
  const bodyId = params.get("client_id") || undefined;
  const bodySecret = params.get("client_secret") || undefined;
  let credentials: ClientCredentials;
  if (authorization !== undefined) {
    const basic = parseBasicCredentials(authorization);
    if (!basic.ok) return basic;
    if (bodySecret !== undefined) {
      return invalidRequest("Send client credentials either in the body or as HTTP Basic, not both.");
    }
    if (bodyId !== undefined && bodyId !== basic.value.clientId) {
      return invalidRequest("The client_id in the body does not match the one in the Authorization header.");
    }
    credentials = basic.value;
  } else if (bodyId !== undefined && bodySecret !== undefined) {
    credentials = { clientId: bodyId, clientSecret: bodySecret };
  } else {
    return fail(
      oauthError(401, "invalid_client", "Client authentication is missing: send client_id and client_secret."),
    );
  }
  if (!VSCHAR.test(credentials.clientId) || !VSCHAR.test(credentials.clientSecret)) {
    return fail(oauthError(401, "invalid_client", "The client_id or client_secret is malformed."));
  }
  return { ok: true, value: credentials };
}

function requiredToken(params: Map<string, string>, name: string): Parsed<string> {
  const value = params.get(name);
  if (value === undefined || value === "") return invalidRequest(`The parameter ${name} is required.`);
  if (!VSCHAR.test(value)) return invalidRequest(`The parameter ${name} is malformed.`);
  return { ok: true, value };
}

function requiredRedirectUri(params: Map<string, string>): Parsed<string> {
  const value = params.get("redirect_uri");
  if (value === undefined || value === "") return invalidRequest("The parameter redirect_uri is required.");
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  // RFC 6749 §3.1.2: no fragment, not even an empty one, which URL reports as no hash at all.
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || value.includes("#") || !VSCHAR.test(value)) {
    return invalidRequest("The parameter redirect_uri must be an absolute http(s) URI without a fragment.");
  }
  return { ok: true, value };
}

/** Validates a decoded request; nothing here reaches TikTok unless it all holds. */
export function parseTokenRequest(headers: RequestHeaders, params: Map<string, string>): Parsed<TokenRequest> {
  const grantType = params.get("grant_type");
  if (grantType === undefined || grantType === "") return invalidRequest("The parameter grant_type is required.");
  if (grantType !== "authorization_code" && grantType !== "refresh_token") {
    return fail(
      oauthError(400, "unsupported_grant_type", "The grant_type must be authorization_code or refresh_token."),
    );
  }

  const client = readClientCredentials(headers, params);
  if (!client.ok) return client;

  if (grantType === "refresh_token") {
    const refreshToken = requiredToken(params, "refresh_token");
    if (!refreshToken.ok) return refreshToken;
    return { ok: true, value: { grantType, ...client.value, refreshToken: refreshToken.value } };
  }

  const code = requiredToken(params, "code");
  if (!code.ok) return code;
  const redirectUri = requiredRedirectUri(params);
  if (!redirectUri.ok) return redirectUri;
  const codeVerifier = params.get("code_verifier");
  if (codeVerifier !== undefined && !CODE_VERIFIER.test(codeVerifier)) {
    return invalidRequest("The parameter code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~].");
  }
  return {
    ok: true,
    value: {
      grantType,
      ...client.value,
      code: code.value,
      redirectUri: redirectUri.value,
      ...(codeVerifier === undefined ? {} : { codeVerifier }),
    },
  };
}

/** The values that must never appear in a log line or a response. */
export function secretsOf(request: TokenRequest): string[] {
  return request.grantType === "authorization_code"
    ? [request.clientSecret, request.code, ...(request.codeVerifier ? [request.codeVerifier] : [])]
    : [request.clientSecret, request.refreshToken];
}
