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

/** One JSON line on stdout: CloudWatch Logs Insights and `jq` read it without a parser of ours. */
export const jsonLineLogger: Logger = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};
