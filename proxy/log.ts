/** What happened to one request; deliberately has no field that could hold a secret, code or token. */
export interface RequestLog {
  msg: "token_request";
  outcome: "ok" | "rejected" | "tiktok_error" | "upstream_error" | "upstream_timeout" | "internal_error";
  status: number;
  grant_type?: "authorization_code" | "refresh_token";
  error?: string;
  upstream_status?: number;
  tiktok_log_id?: string;
  duration_ms: number;
}

export type Logger = (entry: RequestLog) => void;

export type LogLevel = "info" | "warn" | "error";

/**
 * Success is INFO; what the caller or TikTok refused is WARN (someone else's mistake, worth a look);
 * what failed on the way (TikTok down or slow, a bug) is ERROR, so a log-level filter at WARN
 * still keeps every failure.
 */
export function levelOf(outcome: RequestLog["outcome"]): LogLevel {
  if (outcome === "ok") return "info";
  if (outcome === "rejected" || outcome === "tiktok_error") return "warn";
  return "error";
}

/**
 * For Lambda: one `console` call per request, with the entry as an object. Under the JSON log
 * format the runtime wraps it as `{timestamp, level, requestId, message: <entry>}`, and drops it
 * when its level is below the function's applicationLogLevel. Bytes written to stdout directly
 * would carry neither level nor requestId.
 */
export const consoleLogger: Logger = (entry) => {
  console[levelOf(entry.outcome)](entry);
};

/** For `npm start`: one JSON line on stdout, which `jq` reads without a parser of ours. */
export const jsonLineLogger: Logger = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};
