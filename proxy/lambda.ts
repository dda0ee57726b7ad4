import { readProxyConfig } from "./config";
import { jsonLineLogger } from "./log";
import { oauthError, oauthErrorResponse } from "./oauth-error";
import { handleTokenProxyRequest, TokenProxyDeps } from "./token-proxy";
import { decodeBase64 } from "./token-request";
import { createFormPoster } from "./upstream";

/** The parts of a Lambda function URL event (payload format 2.0) the proxy reads. */
export interface FunctionUrlEvent {
  rawPath: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string } };
}

export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

export type FunctionUrlHandler = (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;

function lowerCaseKeys(headers: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

/** Builds a handler around one config and one connection pool, both kept across warm invocations. */
export function createHandler(env: Record<string, string | undefined>, deps: TokenProxyDeps): FunctionUrlHandler {
  let config: ReturnType<typeof readProxyConfig> | undefined;
  let configProblem: string | undefined;
  try {
    config = readProxyConfig(env);
  } catch (err) {
    configProblem = err instanceof Error ? err.message : String(err);
  }

  return async (event) => {
    if (!config) {
      // Logged once per request so the cause sits next to every failed login in CloudWatch.
      console.error(JSON.stringify({ msg: "proxy_misconfigured", problem: configProblem }));
      return toResult(
        oauthErrorResponse(oauthError(500, "server_error", "The token proxy is misconfigured; see its logs.")),
      );
    }
    const raw = event.body ?? "";
    const body = event.isBase64Encoded
      ? (decodeBase64(raw) ?? oauthError(400, "invalid_request", "The body is not valid base64."))
      : Buffer.from(raw, "utf8");
    const response = await handleTokenProxyRequest(
      { method: event.requestContext.http.method, path: event.rawPath, headers: lowerCaseKeys(event.headers), body },
      config,
      deps,
    );
    return toResult(response);
  };
}

function toResult(response: { status: number; headers: Record<string, string>; body: string }): FunctionUrlResult {
  return { statusCode: response.status, headers: response.headers, body: response.body, isBase64Encoded: false };
}

export const handler: FunctionUrlHandler = createHandler(process.env, {
  postForm: createFormPoster(),
  log: jsonLineLogger,
});
