import type { HttpClient } from "./verify-checks";

/** Longer than the proxy's own deadline for TikTok (at most 30 s) would be pointless for a smoke test. */
const DEFAULT_TIMEOUT_MS = 15_000;

/** The checks' HTTP client: Node's fetch, redirects never followed, one deadline per request. */
export function fetchHttpClient(timeoutMs = DEFAULT_TIMEOUT_MS): HttpClient {
  return async (request) => {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      status: response.status,
      location: response.headers.get("location") ?? undefined,
      body: await response.text(),
    };
  };
}
