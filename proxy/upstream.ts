import http from "node:http";
import https from "node:https";
import { Socket } from "node:net";
import { FORM } from "./token-request";

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
// Idle sockets are dropped before typical server idle limits, so a reused socket is rarely a dead one.
const IDLE_MS = 30_000;

export interface FormPosterOptions {
  /** The wall clock, in ms; tests move it as a Lambda thaw does. */
  now?: () => number;
}

/**
 * A form POST over keep-alive agents that live as long as the process, so warm Lambda
 * invocations and the local server reuse TLS connections instead of paying a handshake per login.
 * Never retried: TikTok may already have consumed a single-use code or rotated a refresh token.
 */
export function createFormPoster({ now = Date.now }: FormPosterOptions = {}): PostForm {
  const agentOptions = { keepAlive: true, timeout: IDLE_MS, maxSockets: 64 };
  const agents = { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };
  // The socket timeout above counts process time only: a frozen Lambda runs no timer, so after a
  // thaw a socket its server closed long ago would still be picked. Each socket's idle start is
  // kept by the wall clock, and one idle too long is taken out of the pool before each request.
  const idleSince = new WeakMap<Socket, number>();
  for (const agent of Object.values(agents)) agent.on("free", (socket: Socket) => idleSince.set(socket, now()));
  const evictStale = (agent: http.Agent) => {
    for (const pool of Object.values(agent.freeSockets)) {
      for (const socket of [...(pool ?? [])]) {
        if (now() - (idleSince.get(socket) ?? 0) < IDLE_MS) continue;
        // Out of the list first: the agent itself only forgets a destroyed socket once it has closed.
        pool?.splice(pool.indexOf(socket), 1);
        socket.destroy();
      }
    }
  };

  return (url, form, timeoutMs) =>
    new Promise<UpstreamResponse>((resolve, reject) => {
      const payload = form.toString();
      const transport = url.protocol === "https:" ? https : http;
      const agent = agents[url.protocol === "https:" ? "https:" : "http:"];
      evictStale(agent);
      const request = transport.request(url, {
        method: "POST",
        agent,
        headers: {
          "content-type": FORM,
          "content-length": Buffer.byteLength(payload),
          accept: "application/json",
          "cache-control": "no-cache",
        },
      });
      // Settled exactly once, by whichever comes first: the whole answer, a failure, or the deadline.
      // The deadline rejects the promise itself: on some answers (a 101 with Upgrade) Node has
      // already destroyed the request and emits nothing more, so destroying it again would not settle.
      let settled = false;
      let responded = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        outcome();
      };
      const fail = (err: unknown) =>
        finish(() =>
          reject(
            err instanceof UpstreamFailure
              ? err
              : new UpstreamFailure("network", describeNetworkError(err instanceof Error ? err : undefined)),
          ),
        );
      const deadline = setTimeout(() => {
        fail(new UpstreamFailure("timeout", `no answer from TikTok within ${timeoutMs} ms`));
        request.destroy();
      }, timeoutMs);

      request.on("error", fail);
      // Without a response, a close means the exchange is over with nothing to show for it
      // (a reset, or a protocol switch Node refuses for a request that asked for none).
      request.on("close", () => {
        if (!responded) fail(new UpstreamFailure("network", "TikTok closed the connection without an answer"));
      });
      request.on("response", (response) => {
        responded = true;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_UPSTREAM_BODY_BYTES) {
            fail(new UpstreamFailure("too_large", "TikTok's answer exceeded 64 KiB"));
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () =>
          finish(() => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") })),
        );
        response.on("error", fail);
        response.on("close", () => {
          if (!response.complete) fail(new UpstreamFailure("network", "TikTok closed the connection mid-answer"));
        });
      });
      request.end(payload);
    });
}

function describeNetworkError(err: NodeJS.ErrnoException | undefined): string {
  const code = err?.code;
  return code ? `could not reach TikTok (${code})` : "could not reach TikTok";
}
