/** The proxy's settings, read from the environment once per process (see the README for each). */
export interface ProxyConfig {
  tiktokTokenUrl: URL;
  /** When set, only this client id is served. */
  tiktokClientKey?: string;
  /**
   * The values `x-proxy-secret` may carry; empty: no header required. More than one during a
   * rotation of the stack's two secret slots, so the Lambda accepts the old and the new value while
   * Auth0 switches from one to the other.
   */
  sharedSecrets: readonly string[];
  /** Deadline for the whole upstream exchange, response body included. */
  timeoutMs: number;
}

export const DEFAULT_TIKTOK_TOKEN_URL = "https://open.tiktokapis.com/v2/oauth/token/";
export const DEFAULT_TIMEOUT_MS = 5000;
// Above this the Lambda (and Auth0, which waits about 10 s per hop) would give up first anyway.
const MAX_TIMEOUT_MS = 30_000;

export class ProxyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProxyConfigError";
  }
}

type Env = Record<string, string | undefined>;

/**
 * Plain http is for an emulator on this machine. Anywhere else it carries client secrets, codes
 * and tokens in clear text: allowed (a test rig may need it), but said out loud at start.
 */
export function insecureUpstreamWarning(url: URL): string | undefined {
  return url.protocol === "http:" && !/^(localhost|127(\.\d+){3}|\[::1\])$/.test(url.hostname)
    ? "TIKTOK_TOKEN_URL is plain http and not loopback: secrets travel unencrypted."
    : undefined;
}

/** `url` for a banner or a log: a user and password in it are masked. */
export function displayUrl(url: URL): string {
  const shown = new URL(url.href);
  if (shown.username) shown.username = "***";
  if (shown.password) shown.password = "***";
  return shown.href;
}

/** Empty strings count as unset, so `FOO=` in an env file means "default", not "empty value". */
function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

/**
 * `PROXY_SHARED_SECRET` as a list: comma-separated, whitespace around each value trimmed, empty
 * values ignored. Secrets never contain commas (the stack generates letters and digits), so one
 * value reads exactly as before. Throws when the variable is set but lists nothing (`","`): that
 * is a broken deployment, and reading it as "no secret required" would open the proxy to anyone.
 */
export function parseSharedSecrets(raw: string | undefined): readonly string[] {
  if (raw === undefined || raw === "") return [];
  const values = raw
    .split(",")
    .map((value) => value.trim())
    .filter((value) => value !== "");
  if (values.length === 0) {
    throw new ProxyConfigError(
      "PROXY_SHARED_SECRET is set but lists no value (only commas or spaces). " +
        "Set it to the accepted secrets, comma-separated, or unset it to require no x-proxy-secret header.",
    );
  }
  // Duplicates would only make each request compare the same value twice.
  return [...new Set(values)];
}

export function readProxyConfig(env: Env): ProxyConfig {
  const rawUrl = optional(env, "TIKTOK_TOKEN_URL") ?? DEFAULT_TIKTOK_TOKEN_URL;
  let tiktokTokenUrl: URL;
  try {
    tiktokTokenUrl = new URL(rawUrl);
  } catch {
    throw new ProxyConfigError(
      `TIKTOK_TOKEN_URL is not a URL: "${rawUrl}". Unset it to use ${DEFAULT_TIKTOK_TOKEN_URL}.`,
    );
  }
  if (tiktokTokenUrl.protocol !== "https:" && tiktokTokenUrl.protocol !== "http:") {
    throw new ProxyConfigError(`TIKTOK_TOKEN_URL must be an http(s) URL, got "${tiktokTokenUrl.protocol}".`);
  }

  const rawTimeout = optional(env, "TIKTOK_TIMEOUT_MS");
  const timeoutMs = rawTimeout === undefined ? DEFAULT_TIMEOUT_MS : Number(rawTimeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new ProxyConfigError(
      `TIKTOK_TIMEOUT_MS must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got "${rawTimeout}". Unset it for the default of ${DEFAULT_TIMEOUT_MS}.`,
    );
  }

  return {
    tiktokTokenUrl,
    tiktokClientKey: optional(env, "TIKTOK_CLIENT_KEY"),
    sharedSecrets: parseSharedSecrets(optional(env, "PROXY_SHARED_SECRET")),
    timeoutMs,
  };
}
