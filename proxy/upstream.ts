import http from "node:http";
import https from "node:https";

export interface UpstreamResponse {
  status: number;
  body: string;
}

/** Why the upstream call produced no usable HTTP response. */
export type UpstreamFailureKind = "timeout" | "network" | "too_large";

export class UpstreamFailure extends Error {
  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
  ) {
    super(message);
    this.name = "UpstreamFailure";
  }
}

export type PostForm = (url: URL, form: URLSearchParams, timeoutMs: number) => Promise<UpstreamResponse>;

// TikTok's token answers are a few hundred bytes; anything this large is not one.
const MAX_UPSTREAM_BODY_BYTES = 64 * 1024;

/**
 * A form POST over keep-alive agents that live as long as the process, so warm Lambda
 * invocations and the local server reuse TLS connections instead of paying a handshake per login.
 * Never retried: TikTok may already have consumed a single-use code or rotated a refresh token.
 */
export function createFormPoster(): PostForm {
  // Idle sockets are dropped before typical server idle limits, so a reused socket is rarely a dead one.
  const agentOptions = { keepAlive: true, timeout: 30_000, maxSockets: 64 };
  const agents = { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };

  return (url, form, timeoutMs) =>
    new Promise<UpstreamResponse>((resolve, reject) => {
      const payload = form.toString();
      const transport = url.protocol === "https:" ? https : http;
      const request = transport.request(url, {
        method: "POST",
        agent: agents[url.protocol === "https:" ? "https:" : "http:"],
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(payload),
          accept: "application/json",
          "cache-control": "no-cache",
        },
      });
      // Whatever way the exchange dies (socket error, abort mid-body, our own deadline), the first
      // cause decides the failure kind: a deadline-triggered abort must read as a timeout, not a reset.
      let cause: UpstreamFailure | undefined;
      const deadline = setTimeout(() => {
        cause ??= new UpstreamFailure("timeout", `no answer from TikTok within ${timeoutMs} ms`);
        request.destroy(cause);
      }, timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(deadline);
        cause ??= err instanceof UpstreamFailure ? err : new UpstreamFailure("network", describeNetworkError(err));
        reject(cause);
      };

      request.on("error", fail);
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_UPSTREAM_BODY_BYTES) {
            cause ??= new UpstreamFailure("too_large", "TikTok's answer exceeded 64 KiB");
            request.destroy(cause);
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () => {
          clearTimeout(deadline);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
        });
        response.on("error", fail);
        response.on("close", () => {
          if (!response.complete) fail(new UpstreamFailure("network", "TikTok closed the connection mid-answer"));
        });
      });
      request.end(payload);
    });
}

function describeNetworkError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `could not reach TikTok (${code})` : "could not reach TikTok";
}
