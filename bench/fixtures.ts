/**
 * The token exchange every part of the bench sends: what Auth0 posts to the proxy, and what the
 * proxy posts to TikTok in turn. The code carries `*` and `!` like real TikTok codes do.
 */
export const CLIENT_KEY = "bench-client-key";
export const CLIENT_SECRET = "bench-client-secret";
export const CODE = "Lz1Tn*3tBqv!f9kQx2WcR*8eYm!Hp4sZ";
export const REDIRECT_URI = "https://bench.eu.auth0.com/login/callback";

/**
 * Encoded the way Auth0's node-oauth does (querystring), which leaves `*` and `!` literal:
 * encodeURIComponent escapes the same set.
 */
export function auth0FormBody(code: string = CODE): string {
  const fields: [string, string][] = [
    ["grant_type", "authorization_code"],
    ["code", code],
    ["redirect_uri", REDIRECT_URI],
    ["client_id", CLIENT_KEY],
    ["client_secret", CLIENT_SECRET],
  ];
  return fields.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("&");
}

export const FORM_HEADERS = { "content-type": "application/x-www-form-urlencoded" } as const;

/** The form the proxy sends TikTok for `auth0FormBody()`: the same fields, client_id renamed. */
export function tiktokFormBody(): string {
  return new URLSearchParams({
    client_key: CLIENT_KEY,
    client_secret: CLIENT_SECRET,
    grant_type: "authorization_code",
    code: CODE,
    redirect_uri: REDIRECT_URI,
  }).toString();
}

/** A token response is only a success if it carries a token: TikTok reports errors with HTTP 200. */
export function hasAccessToken(body: string): boolean {
  return body.includes('"access_token":"');
}
