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

/**
 * Whether this request's answer can still reach the client, decided before TikTok is called: a
 * code spent for an answer nobody can read is a login lost. It cannot when the connection is gone
 * or node:http itself refused an earlier request on it (a missing Host gets node's own 400 and a
 * close). A response queued behind another one on the connection has no socket yet: it waits for
 * its turn, or for the connection to close.
 */
function canAnswer(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  const socket = req.socket;
  const open = () => !socket.destroyed && socket.writable && !res.writableEnded && !res.destroyed;
  if (!open() || res.socket) return Promise.resolve(open());
  return new Promise((resolve) => {
    // A client that closed while this request waited in line cannot be told apart from one that only
    // half-closed (both send FIN, and half-open sockets are allowed below): not worth a spent code.
    const decide = () => {
      res.off("socket", decide);
      socket.off("close", decide);
      resolve(open() && !socket.readableEnded);
    };
    res.on("socket", decide);
    socket.on("close", decide);
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
    // Not answered and not logged, like a request behind an early refusal: nobody is there to read it.
    if (body === undefined || !(await canAnswer(req, res))) return;

    const response = await handleTokenProxyRequest(
      { method, path, headers: req.headers as Record<string, string | undefined>, body },
      config,
      deps,
    );
    const headers = { ...response.headers, "content-length": String(Buffer.byteLength(response.body)) };
    res.writeHead(response.status, closing.has(req.socket) ? { ...headers, connection: "close" } : headers);
    res.end(response.body);
  }

  const server = http.createServer((req, res) => {
    // The core answers every failure itself; this only catches a socket gone bad mid-write.
    serve(req, res).catch(() => res.destroy());
  });
  // A client may half-close once its request is sent (`nc -N`, a shell pipe). By default node:http
  // then ends the connection at once, and an answer still being fetched from TikTok, its code
  // already spent, is lost. No check before the call can close that gap: the FIN often arrives a
  // moment after the body. So answer the requests already received, then close, as node:http does
  // with this (long-standing, undocumented) server property set.
  Object.assign(server, { httpAllowHalfOpen: true });
  return server;
}
