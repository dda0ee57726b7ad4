/** `text` with every occurrence of each secret replaced; empty secrets are skipped (they match everywhere). */
export function redactSecrets(text: string, secrets: readonly string[], replacement: string): string {
  return secrets.reduce((out, secret) => (secret === "" ? out : out.split(secret).join(replacement)), text);
}

/**
 * Shorter values are not searched for in what TikTok sends back: they would also match ordinary
 * words of its text. Real client secrets, codes and tokens are far longer.
 */
export const MIN_REDACTED_LENGTH = 4;

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

/** How many characters in a row of a secret make a copied value suspect, whatever else surrounds them. */
export const SHARED_RUN_LENGTH = 8;

/**
 * Whether `text` contains any {@link SHARED_RUN_LENGTH} characters in a row of one of `secrets`, in
 * any letter case: catches a secret cut short, split across fields or re-cased, which an exact
 * search misses. For short, free-form values only (log ids, error codes), where a chance match
 * between random strings is negligible and a false one costs nothing but a log field.
 */
export function sharesLongRun(text: string, secrets: readonly string[]): boolean {
  const haystack = text.toLowerCase();
  return secrets.some((secret) => {
    const lower = secret.toLowerCase();
    for (let start = 0; start + SHARED_RUN_LENGTH <= lower.length; start++) {
      if (haystack.includes(lower.slice(start, start + SHARED_RUN_LENGTH))) return true;
    }
    return false;
  });
}
