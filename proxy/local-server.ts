import http from "node:http";
import { ProxyConfig } from "./config";
import { OAuthError } from "./oauth-error";
import { bodyTooLarge, handleTokenProxyRequest, MAX_BODY_BYTES, precheck, TokenProxyDeps } from "./token-proxy";

/**
 * Reads at most MAX_BODY_BYTES + 1 bytes: enough to know a body is too large without
 * buffering whatever a caller chooses to send.
 */
function readBody(req: http.IncomingMessage): Promise<Uint8Array | OAuthError | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
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

/** The `npm start` server: the same core as the Lambda, over node:http. */
export function createLocalServer(config: ProxyConfig, deps: TokenProxyDeps): http.Server {
  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0];
    const declaredLength =
      req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
    const early = precheck(method, path, declaredLength);
    // Refused before reading: the body is neither wanted nor waited for.
    const body = early ? (early.status === 413 ? early : new Uint8Array(0)) : await readBody(req);
    if (body === undefined) return;

    const response = await handleTokenProxyRequest(
      { method, path, headers: req.headers as Record<string, string | undefined>, body },
      config,
      deps,
    );
    const unread = !req.complete;
    const headers = { ...response.headers, "content-length": String(Buffer.byteLength(response.body)) };
    res.writeHead(response.status, unread ? { ...headers, connection: "close" } : headers);
    res.end(response.body);
  }

  return http.createServer((req, res) => {
    // The core answers every failure itself; this only catches a socket gone bad mid-write.
    serve(req, res).catch(() => res.destroy());
  });
}
