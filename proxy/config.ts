/** The proxy's settings, read from the environment once per process (see the README for each). */
export interface ProxyConfig {
  tiktokTokenUrl: URL;
  /** When set, only this client id is served. */
  tiktokClientKey?: string;
  /** When set, every request must carry it in `x-proxy-secret`. */
  sharedSecret?: string;
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

/** Empty strings count as unset, so `FOO=` in an env file means "default", not "empty value". */
function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
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
    sharedSecret: optional(env, "PROXY_SHARED_SECRET"),
    timeoutMs,
  };
}
