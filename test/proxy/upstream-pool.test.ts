/**
 * The upstream connection pool across a freeze. On Lambda the process is frozen between
 * invocations: no timer fires, so an idle keep-alive socket the server closed meanwhile is still in
 * the pool at the thaw. Reusing it costs a login (a reset, 502), so age is judged by the wall clock.
 */
import http from "node:http";
import { AddressInfo, Socket } from "node:net";
import { createFormPoster } from "../../proxy/upstream";

interface KeepAliveServer {
  url: URL;
  readonly connections: number;
  /** Requests that arrived on a connection the server had already given up. */
  readonly deadHits: number;
  /** Forgets every open connection without telling the client, as a server does while the client is frozen. */
  forgetConnections(): void;
  close(): Promise<void>;
}

async function startKeepAliveServer(): Promise<KeepAliveServer> {
  const sockets = new Set<Socket>();
  const forgotten = new WeakSet<Socket>();
  let connections = 0;
  let deadHits = 0;
  const server = http.createServer((req, res) => {
    if (forgotten.has(req.socket)) {
      // What the client meets on a connection its server closed: no answer, only a reset.
      deadHits++;
      req.socket.destroy();
      return;
    }
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"access_token":"act.x","token_type":"Bearer"}');
    });
  });
  // Longer than the test: the server never closes an idle connection on its own here.
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/oauth/token/`),
    get connections() {
      return connections;
    },
    get deadHits() {
      return deadHits;
    },
    forgetConnections: () => sockets.forEach((socket) => forgotten.add(socket)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let server: KeepAliveServer;
beforeEach(async () => {
  server = await startKeepAliveServer();
});
afterEach(() => server.close());

const form = new URLSearchParams({ grant_type: "authorization_code", code: "c" });

describe("the upstream pool, judged by the wall clock", () => {
  it("reuses an idle connection within the idle limit", async () => {
    let clock = 1_000_000;
    const post = createFormPoster({ now: () => clock });

    expect((await post(server.url, form, 2000)).status).toBe(200);
    clock += 20_000;
    expect((await post(server.url, form, 2000)).status).toBe(200);

    expect(server.connections).toBe(1);
  });

  it("never reuses a connection that sat idle past the limit through a freeze no timer saw", async () => {
    let clock = 1_000_000;
    const post = createFormPoster({ now: () => clock });
    expect((await post(server.url, form, 2000)).status).toBe(200);

    // Frozen for 31 minutes: the server dropped the connection silently, and no timer of ours fired.
    server.forgetConnections();
    clock += 31 * 60_000;

    expect((await post(server.url, form, 2000)).status).toBe(200);
    expect(server.deadHits).toBe(0);
    expect(server.connections).toBe(2);
  });
});
