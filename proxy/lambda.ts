import { insecureUpstreamWarning, readProxyConfig } from "./config";
import { isRecord } from "./http-response";
import { consoleLogger } from "./log";
import { OAuthError, oauthError, oauthErrorResponse } from "./oauth-error";
import {
  bodyTooLarge,
  handleTokenProxyRequest,
  MAX_BODY_BYTES,
  refuseRequest,
  TokenProxyDeps,
  unexpectedFailure,
} from "./token-proxy";
import { decodeBase64 } from "./token-request";
import { createFormPoster } from "./upstream";
import { ProxyResponse } from "./http-response";

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

/** Takes `unknown`: whatever invokes the function decides the event's shape, so it is checked, not trusted. */
export type FunctionUrlHandler = (event: unknown) => Promise<FunctionUrlResult>;

/** The longest base64 text that can decode to MAX_BODY_BYTES: longer is refused before decoding anything. */
export const MAX_BASE64_BODY_CHARS = Math.ceil(MAX_BODY_BYTES / 3) * 4;

const malformed = (what: string): OAuthError =>
  oauthError(400, "invalid_request", `The Lambda event is not a function URL request: ${what}.`);

/** The event as the core reads it, or why it cannot be read. */
function readEvent(event: unknown): FunctionUrlEvent | OAuthError {
  if (!isRecord(event)) return malformed("it is not an object");
  const { rawPath, headers, body, isBase64Encoded, requestContext } = event;
  const http = isRecord(requestContext) ? requestContext.http : undefined;
  const method = isRecord(http) ? http.method : undefined;
  if (typeof method !== "string") return malformed("requestContext.http.method is missing");
  if (typeof rawPath !== "string") return malformed("rawPath is missing");
  if (headers !== undefined && !isRecord(headers)) return malformed("headers is not an object");
  const lowerCased: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && typeof value !== "string") return malformed("a header value is not a string");
    lowerCased[name.toLowerCase()] = value;
  }
  if (body !== undefined && typeof body !== "string") return malformed("body is not a string");
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== "boolean") {
    return malformed("isBase64Encoded is not a boolean");
  }
  return { rawPath, headers: lowerCased, body, isBase64Encoded, requestContext: { http: { method } } };
}

/**
 * The body's bytes, refused on its length before any decoding: decoding megabytes of base64 (and
 * matching them against a pattern) costs memory and time, and must never be what fails first.
 */
function readBody(event: FunctionUrlEvent): Uint8Array | OAuthError {
  const raw = event.body ?? "";
  if (event.isBase64Encoded) {
    if (raw.length > MAX_BASE64_BODY_CHARS) return bodyTooLarge();
    return decodeBase64(raw) ?? oauthError(400, "invalid_request", "The body is not valid base64.");
  }
  // Each UTF-16 unit is at least one UTF-8 byte, so a longer string is too large whatever it holds.
  if (raw.length > MAX_BODY_BYTES) return bodyTooLarge();
  return Buffer.from(raw, "utf8");
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
  // Once per cold start, as the function starts: the setting is the operator's choice, not a request's fault.
  const warning = config && insecureUpstreamWarning(config.tiktokTokenUrl);
  if (warning) console.warn({ msg: "proxy_insecure_upstream", warning });

  async function handle(rawEvent: unknown): Promise<ProxyResponse> {
    if (!config) {
      // Logged once per request so the cause sits next to every failed login in CloudWatch.
      console.error({ msg: "proxy_misconfigured", problem: configProblem });
      return oauthErrorResponse(oauthError(500, "server_error", "The token proxy is misconfigured; see its logs."));
    }
    const event = readEvent(rawEvent);
    if (!("rawPath" in event)) return refuseRequest(event, deps);
    return handleTokenProxyRequest(
      {
        method: event.requestContext.http.method,
        path: event.rawPath,
        headers: event.headers ?? {},
        body: readBody(event),
      },
      config,
      deps,
    );
  }

  return async (rawEvent) => {
    try {
      return toResult(await handle(rawEvent));
    } catch {
      // Nothing above should throw; if something does, Lambda must still see an answer, not an
      // error: an anonymous caller must never be able to trip the Errors alarm.
      return toResult(unexpectedFailure());
    }
  };
}

function toResult(response: ProxyResponse): FunctionUrlResult {
  return { statusCode: response.status, headers: response.headers, body: response.body, isBase64Encoded: false };
}

export const handler: FunctionUrlHandler = createHandler(process.env, {
  postForm: createFormPoster(),
  log: consoleLogger,
});
