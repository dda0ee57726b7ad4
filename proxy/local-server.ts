import http from "node:http";
import { Socket } from "node:net";
import { ProxyConfig } from "./config";
import { OAuthError } from "./oauth-error";
import { bodyTooLarge, handleTokenProxyRequest, MAX_BODY_BYTES, precheck, TokenProxyDeps } from "./token-proxy";

/**
 * Reads at most MAX_BODY_BYTES + 1 bytes: enough to know a body is too large without
 * buffering whatever a caller chooses to send. `onOverflow` runs at once, before the parser
 * can move on to a request pipelined behind this one.
 */
function readBody(req: http.IncomingMessage, onOverflow: () => void): Promise<Uint8Array | OAuthError | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        onOverflow();
        req.pause();
        resolve(bodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    // The caller went away; there is nobody to answer.
    req.on("error", () => resolve(undefined));
  });
}

function announcesBody(req: http.IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

/** The `npm start` server: the same core as the Lambda, over node:http. */
export function createLocalServer(config: ProxyConfig, deps: TokenProxyDeps): http.Server {
  /**
   * Connections whose current request is refused without its body being read, so they are closed
   * after the answer. A request pipelined behind it on the same connection is never handled: its
   * answer could not be delivered, and forwarding it would spend a single-use code for nothing.
   * Marked synchronously, before node:http can parse (and dispatch) the next request.
   */
  const closing = new WeakSet<Socket>();

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (closing.has(req.socket)) return;
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0];
    const declaredLength =
      req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
    const early = precheck(method, path, declaredLength);
    let body: Uint8Array | OAuthError | undefined;
    if (early) {
      // Refused before reading: the body is neither wanted nor waited for.
      if (announcesBody(req)) closing.add(req.socket);
      body = early.status === 413 ? early : new Uint8Array(0);
    } else {
      body = await readBody(req, () => closing.add(req.socket));
    }
    if (body === undefined) return;

    const response = await handleTokenProxyRequest(
      { method, path, headers: req.headers as Record<string, string | undefined>, body },
      config,
      deps,
    );
    const headers = { ...response.headers, "content-length": String(Buffer.byteLength(response.body)) };
    res.writeHead(response.status, closing.has(req.socket) ? { ...headers, connection: "close" } : headers);
    res.end(response.body);
  }

  return http.createServer((req, res) => {
    // The core answers every failure itself; this only catches a socket gone bad mid-write.
    serve(req, res).catch(() => res.destroy());
  });
}
