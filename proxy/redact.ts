/** `text` with every occurrence of each secret replaced; empty secrets are skipped (they match everywhere). */
export function redactSecrets(text: string, secrets: readonly string[], replacement: string): string {
  return secrets.reduce((out, secret) => (secret === "" ? out : out.split(secret).join(replacement)), text);
}
