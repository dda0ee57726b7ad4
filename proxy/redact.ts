/** `text` with every occurrence of each secret replaced; empty secrets are skipped (they match everywhere). */
export function redactSecrets(text: string, secrets: readonly string[], replacement: string): string {
  return secrets.reduce((out, secret) => (secret === "" ? out : out.split(secret).join(replacement)), text);
}

/**
 * Shorter values are not searched for in what TikTok sends back: they would also match ordinary
 * words of its text. Real client secrets, codes and tokens are far longer.
 */
export const MIN_REDACTED_LENGTH = 4;

const REDACTED = "[redacted]";

/** The ways an echo may spell a secret: as is, percent-encoded (upper or lower hex), form-encoded, JSON-escaped. */
function spellings(secret: string): string[] {
  const percent = encodeURIComponent(secret);
  const formEncoded = new URLSearchParams({ v: secret }).toString().slice(2);
  const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  const spelled = [
    secret,
    percent,
    lowerHex(percent),
    formEncoded,
    lowerHex(formEncoded),
    JSON.stringify(secret).slice(1, -1),
  ];
  // Longest first, so a longer spelling is never cut in half by a shorter one it contains.
  return [...new Set(spelled)].sort((a, b) => b.length - a.length);
}

/**
 * `text` and each stage of undoing percent-encoding (repeatedly, for double encoding) and \uXXXX
 * escapes, ASCII only since secrets are VSCHAR. Every stage counts: a secret that itself contains
 * `%1a` shows after one round and is gone after the next.
 */
function decodingStages(text: string): string[] {
  const stages = [text];
  // Most of what TikTok sends (tokens, ids) has nothing to decode; this runs on every success.
  if (!text.includes("%") && !text.includes("\\")) return stages;
  for (let round = 0; round < 4; round++) {
    const previous = stages[stages.length - 1];
    const next = previous
      .replace(/%([0-7][0-9a-f])/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      .replace(/\\u00([0-7][0-9a-f])/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === previous) break;
    stages.push(next);
  }
  return stages;
}

/** Whether `text` holds one of `secrets`, as written or under an encoding an echo may wear. */
export function revealsSecret(text: string, secrets: readonly string[]): boolean {
  const readings = decodingStages(text);
  if (text.includes("+")) readings.push(...decodingStages(text.replace(/\+/g, " ")));
  return secrets.some((secret) => secret.length >= MIN_REDACTED_LENGTH && readings.some((r) => r.includes(secret)));
}

/**
 * For text that came from upstream: every spelling of each secret replaced by `[redacted]`; if a
 * secret can still be read out of the result (an encoding not undone above), the whole text is
 * replaced by `fallback`. Either way the result reveals none of `secrets`.
 */
export function scrubUpstreamText(text: string, secrets: readonly string[], fallback: string): string {
  const searched = secrets.filter((secret) => secret.length >= MIN_REDACTED_LENGTH);
  const redacted = redactSecrets(text, searched.flatMap(spellings), REDACTED);
  return revealsSecret(redacted, searched) ? fallback : redacted;
}
