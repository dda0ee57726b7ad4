/**
 * A token endpoint over loopback that answers whatever bytes a test scripts: statuses, bodies and
 * protocol moves TikTok's real endpoint is not expected to make, but a broken or hostile one could.
 * Raw TCP on purpose: node:http would refuse to write some of these answers.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";

/** What the endpoint does with one request: raw bytes to write, then close or keep the socket open. */
export interface RawAnswer {
  bytes: string;
  /** Keep the connection open after writing (never answer further); the default closes it. */
  hold?: boolean;
}

/** Builds the answer to a request from its decoded form body. */
export type Script = (form: URLSearchParams, rawBody: string) => RawAnswer;

export interface HostileUpstream {
  readonly tokenUrl: string;
  /** Every request body received, raw, in order. */
  readonly received: string[];
  play(script: Script): void;
  close(): Promise<void>;
}

const REASONS: Record<number, string> = {
  100: "Continue",
  101: "Switching Protocols",
  200: "OK",
  201: "Created",
  302: "Found",
  400: "Bad Request",
  401: "Unauthorized",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

/** One complete HTTP/1.1 answer with a body, closing the connection. */
export function httpAnswer(status: number, body: string, contentType = "application/json"): RawAnswer {
  const length = Buffer.byteLength(body);
  return {
    bytes:
      `HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}\r\ncontent-type: ${contentType}\r\n` +
      `content-length: ${length}\r\nconnection: close\r\n\r\n${body}`,
  };
}

export const jsonAnswer = (status: number, body: unknown): RawAnswer => httpAnswer(status, JSON.stringify(body));

/** A protocol switch nobody asked for: Node emits only `close` on the request. */
export const upgradeAnswer = (): RawAnswer => ({
  bytes: "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n",
  hold: true,
});

/** An interim answer, then silence. */
export const continueThenSilence = (): RawAnswer => ({ bytes: "HTTP/1.1 100 Continue\r\n\r\n", hold: true });

/** Headers promising more body than ever comes, then the connection closes. */
export const truncatedAnswer = (): RawAnswer => ({
  bytes: 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"access_token":"act.',
});

/** The connection closes as soon as the request is in, with no byte of answer. */
export const silentClose = (): RawAnswer => ({ bytes: "" });

export async function startHostileUpstream(): Promise<HostileUpstream> {
  let script: Script = () => jsonAnswer(500, { error: "server_error" });
  const received: string[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let buffered = Buffer.alloc(0);
    let answered = false;
    socket.on("data", (chunk: Buffer) => {
      if (answered) return;
      buffered = Buffer.concat([buffered, chunk]);
      const headEnd = buffered.indexOf("\r\n\r\n");
      if (headEnd === -1) return;
      const head = buffered.subarray(0, headEnd).toString("latin1");
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < headEnd + 4 + length) return;
      answered = true;
      const body = buffered.subarray(headEnd + 4, headEnd + 4 + length).toString("utf8");
      received.push(body);
      const answer = script(new URLSearchParams(body), body);
      socket.write(answer.bytes, () => {
        if (!answer.hold) socket.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    tokenUrl: `http://127.0.0.1:${port}/v2/oauth/token/`,
    received,
    play: (next) => (script = next),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Every way the test suite knows to spell `secret` inside `text`: as is, percent-encoded (either
 * hex case), form-encoded, decoded once or twice. Independent of the proxy's own redaction code.
 */
export function spelledIn(text: string, secret: string): boolean {
  const decodeOnce = (t: string) => {
    try {
      return decodeURIComponent(t);
    } catch {
      return t.replace(/%[0-9a-f]{2}/gi, (m) => {
        try {
          return decodeURIComponent(m);
        } catch {
          return m;
        }
      });
    }
  };
  const readings = [text, decodeOnce(text), decodeOnce(decodeOnce(text)), decodeOnce(text.replace(/\+/g, " "))];
  return readings.some((reading) => reading.includes(secret));
}
