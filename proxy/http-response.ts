/** A transport-neutral HTTP response: both adapters (Lambda, node:http) write exactly this. */
export interface ProxyResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

// RFC 6749 §5.1: token responses, and errors, must never be cached.
const NO_STORE_JSON = {
  "content-type": "application/json;charset=UTF-8",
  "cache-control": "no-store",
  pragma: "no-cache",
} as const;

export function jsonResponse(status: number, body: object, extraHeaders: Record<string, string> = {}): ProxyResponse {
  return { status, headers: { ...NO_STORE_JSON, ...extraHeaders }, body: JSON.stringify(body) };
}

/** A JSON object (not an array, not null): what both the Lambda event and TikTok's answer must be. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
