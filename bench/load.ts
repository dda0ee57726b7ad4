import autocannon from "autocannon";
import { LOAD } from "./config";
import { auth0FormBody, FORM_HEADERS, hasAccessToken } from "./fixtures";

/** What one server's load rounds add up to. */
export interface LoadTally {
  latenciesMs: number[];
  completed: number;
  seconds: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** 2xx answers without an access_token. */
  mismatches: number;
}

export const emptyTally = (): LoadTally => ({
  latenciesMs: [],
  completed: 0,
  seconds: 0,
  non2xx: 0,
  errors: 0,
  mismatches: 0,
});

/**
 * Auth0's token POST at LOAD.connections concurrency for `seconds`, added to `tally` (unless
 * `tally` is omitted: a warm-up). Latencies are collected per response rather than read from
 * autocannon's histogram, which rounds to whole milliseconds.
 */
export async function runLoad(url: string, seconds: number, tally?: LoadTally): Promise<void> {
  const instance = autocannon({
    url,
    method: "POST",
    headers: { ...FORM_HEADERS },
    body: auth0FormBody(),
    connections: LOAD.connections,
    duration: seconds,
    timeout: LOAD.timeoutSeconds,
    verifyBody: hasAccessToken,
  });
  if (tally) instance.on("response", (_client, _status, _bytes, responseTime) => tally.latenciesMs.push(responseTime));
  // autocannon ends on its own after the duration; this only bounds a run that somehow hangs.
  const guard = setTimeout(() => instance.stop(), (seconds + LOAD.timeoutSeconds + 5) * 1000);
  try {
    const result = await instance;
    if (!tally) return;
    tally.completed += result.requests.total;
    tally.seconds += result.duration;
    tally.non2xx += result.non2xx;
    tally.errors += result.errors;
    tally.mismatches += result.mismatches;
  } finally {
    clearTimeout(guard);
  }
}
