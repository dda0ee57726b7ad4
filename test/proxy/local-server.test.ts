/**
 * The `npm start` server's own transport defects: pipelined requests behind an early refusal,
 * and a stdout nobody reads any more.
 */
import http from "node:http";
import net from "node:net";
import { startWithNpm, StartedServer } from "../support/npm-start";
import { startTikTokEmulator, TikTokEmulator } from "../support/tiktok-emulator";
import { form, RunningProxy, startProxy } from "../support/proxy-harness";

const CLIENT_KEY = "awlocalkey";
const CLIENT_SECRET = "local-client-secret";
const REDIRECT_URI = "https://tenant.example.auth0.com/login/callback";

let tiktok: TikTokEmulator;
let proxy: RunningProxy;

beforeAll(async () => {
  tiktok = await startTikTokEmulator({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
  });
  proxy = await startProxy({ TIKTOK_TOKEN_URL: tiktok.tokenUrl });
});
afterAll(async () => {
  await proxy?.close();
  await tiktok?.close();
});

/** A valid code exchange, as raw HTTP/1.1 bytes. */
function validExchange(): string {
  const body = form({
    grant_type: "authorization_code",
    code: tiktok.issueCode(),
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_KEY,
    client_secret: CLIENT_SECRET,
  });
  return (
    "POST /proxy/token HTTP/1.1\r\nhost: proxy\r\ncontent-type: application/x-www-form-urlencoded\r\n" +
    `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/**
 * Writes `bytes` in one go and collects everything until the server closes (or 3 s pass); with
 * `halfClose`, ends the client's side of the connection right after the bytes, keeping it readable.
 */
function exchangeRaw(bytes: string, halfClose = false): Promise<{ text: string; closedByServer: boolean }> {
  const url = new URL(proxy.serverUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port: Number(url.port), host: url.hostname, allowHalfOpen: true });
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedByServer: false });
    }, 3000);
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
    socket.on("end", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closedByServer: true });
    });
    socket.on("error", reject);
    if (halfClose) socket.end(bytes);
    else socket.write(bytes);
  });
}

const statusLines = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("the local server, with a request pipelined behind an early refusal", () => {
  const body = "grant_type=authorization_code&code=abc";
  const big = "x".repeat(20 * 1024);
  it.each([
    [
      "404 for another path",
      `POST /elsewhere HTTP/1.1\r\nhost: p\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      404,
    ],
    [
      "405 for another method",
      `PUT /proxy/token HTTP/1.1\r\nhost: p\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      405,
    ],
    [
      "413 from Content-Length",
      `POST /proxy/token HTTP/1.1\r\nhost: p\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${big.length}\r\n\r\n${big}`,
      413,
    ],
    [
      "413 from a chunked body",
      `POST /proxy/token HTTP/1.1\r\nhost: p\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\n\r\n${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`,
      413,
    ],
  ])("answers %s, closes the connection, and never forwards the request behind it", async (_label, first, status) => {
    const before = tiktok.tokenRequests.length;

    const { text, closedByServer } = await exchangeRaw(first + validExchange());
    await settle();

    expect(statusLines(text)).toEqual([status]);
    expect(text).toMatch(/\r\nconnection: close\r\n/i);
    expect(closedByServer).toBe(true);
    // The pipelined code would have been spent at TikTok, its answer lost with the connection.
    expect(tiktok.tokenRequests.length).toBe(before);
  });

  it("keeps the connection, and serves the request behind it, after a refusal without a body", async () => {
    const before = tiktok.tokenRequests.length;

    const { text } = await exchangeRaw(`GET /elsewhere HTTP/1.1\r\nhost: p\r\n\r\n${validExchange()}`);

    expect(statusLines(text)).toEqual([404, 200]);
    expect(tiktok.tokenRequests.length).toBe(before + 1);
  });
});

describe("the local server, when the answer can no longer be delivered", () => {
  it("never forwards an exchange pipelined behind node:http's own 400 for a request without Host", async () => {
    const before = tiktok.tokenRequests.length;
    const logsBefore = proxy.logs.length;

    const { text, closedByServer } = await exchangeRaw(
      `POST /proxy/token HTTP/1.1\r\ncontent-length: 0\r\n\r\n${validExchange()}`,
    );
    await settle();

    // node:http answers the first itself and closes: the second answer could never be written.
    expect(statusLines(text)).toEqual([400]);
    expect(closedByServer).toBe(true);
    expect(tiktok.tokenRequests.length).toBe(before);
    expect(proxy.logs.slice(logsBefore).filter((entry) => entry.outcome === "ok")).toEqual([]);
  });

  it("delivers the answer to an exchange whose client half-closed right after sending it", async () => {
    const before = tiktok.tokenRequests.length;

    const { text, closedByServer } = await exchangeRaw(validExchange(), true);

    // TikTok spent the code: the token must reach the client, then the connection ends.
    expect(statusLines(text)).toEqual([200]);
    expect(text).toMatch(/"access_token":"[^"]+"/);
    expect(closedByServer).toBe(true);
    expect(tiktok.tokenRequests.length).toBe(before + 1);
  });

  it("never forwards an exchange pipelined behind a slow one when the client closes before its turn", async () => {
    const before = tiktok.tokenRequests.length;
    tiktok.setTokenFault({ kind: "slow", delayMs: 500 });
    try {
      const url = new URL(proxy.serverUrl);
      const socket = net.connect({ port: Number(url.port), host: url.hostname });
      socket.on("error", () => undefined);
      socket.write(validExchange() + validExchange());
      // Gone while the first waits for TikTok: the second's answer has nobody to reach.
      await new Promise((resolve) => setTimeout(resolve, 200));
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      tiktok.setTokenFault({ kind: "none" });
    }
    expect(tiktok.tokenRequests.length).toBe(before + 1);
  });

  it("still serves two valid exchanges pipelined on one connection, in order", async () => {
    const before = tiktok.tokenRequests.length;

    const { text } = await exchangeRaw(validExchange() + validExchange());

    expect(statusLines(text)).toEqual([200, 200]);
    expect(tiktok.tokenRequests.length).toBe(before + 2);
  });
});

describe("npm start's banner, for a plain-http TIKTOK_TOKEN_URL with credentials", () => {
  let server: StartedServer | undefined;
  afterAll(() => server?.stop());

  it("masks the URL's user and password, and warns that the upstream is not loopback", async () => {
    server = await startWithNpm({ TIKTOK_TOKEN_URL: "http://proxyuser:hunter2pw@tiktok.example.com/v2/oauth/token/" });
    for (let waited = 0; !server.stderr().includes("x-proxy-secret") && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const banner = server.stderr();

    expect(banner).toContain("upstream http://***:***@tiktok.example.com/v2/oauth/token/");
    expect(banner).not.toContain("hunter2pw");
    expect(banner).not.toContain("proxyuser");
    expect(banner).toMatch(/TIKTOK_TOKEN_URL .*not loopback/);
  });
});

describe("npm start, when the reader of its stdout goes away", () => {
  let server: StartedServer | undefined;
  afterAll(() => server?.stop());

  const get = (url: string) =>
    new Promise<number>((resolve, reject) => {
      http
        .get(url, { agent: false }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        })
        .on("error", reject);
    });

  it("keeps serving after its log line hits EPIPE", async () => {
    server = await startWithNpm({ TIKTOK_TOKEN_URL: tiktok.tokenUrl });
    expect(await get(server.tokenUrl)).toBe(405);
    // The line travels through a pipe, so it may arrive just after the answer.
    for (let waited = 0; !server.stdout().includes("\n") && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(server.stdout()).toContain('"outcome":"rejected"');

    server.closeStdout();
    // Each answer writes a log line into the closed pipe.
    for (let i = 0; i < 3; i++) {
      expect(await get(server.tokenUrl)).toBe(405);
      await settle();
    }
    expect(server.running()).toBe(true);
  });
});
