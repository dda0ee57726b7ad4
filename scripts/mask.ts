/**
 * How the demo shows values that must never be printed whole. A secret is hidden completely; a
 * code or token keeps its first characters, enough to see that the same one travels from hop to hop.
 */

export const HIDDEN = "********";
const SHOWN_PREFIX_LENGTH = 4;

/** Form and JSON fields that carry a secret, hidden completely. */
const SECRET_FIELDS = new Set(["client_secret", "x-proxy-secret"]);
/** Fields that carry a code or token, shown as a short prefix. */
const TOKEN_FIELDS = new Set(["code", "access_token", "refresh_token", "code_verifier", "token"]);

/** The first few characters and an ellipsis; short values are hidden completely, since a prefix would be most of them. */
export function maskToken(value: string): string {
  return value.length <= SHOWN_PREFIX_LENGTH * 2 ? HIDDEN : `${value.slice(0, SHOWN_PREFIX_LENGTH)}…`;
}

/** `value` as it may be printed under the field name `name`. */
export function maskField(name: string, value: string): string {
  if (SECRET_FIELDS.has(name)) return HIDDEN;
  if (TOKEN_FIELDS.has(name)) return maskToken(value);
  return value;
}
