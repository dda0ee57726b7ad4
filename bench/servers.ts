import net from "node:net";
import path from "node:path";
import { forkTs, spawnNode, stopChild, waitForMessage } from "./children";
import { HOST, REPO_ROOT, SERVER_FILE, TOKEN_PATH } from "./config";
import { isReady } from "./ipc";

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** A free loopback port: bind to 0, read the port, release it for the child. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, HOST);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Our `npm start` server, the built dist/proxy/server.js, exactly as shipped. Ready once its port
 * accepts connections (polled every 20 ms for at most 10 s), not when it prints something.
 */
export async function startOurServer(tokenUrl: string): Promise<RunningServer> {
  const port = await freePort();
  const child = spawnNode(SERVER_FILE, { PORT: String(port), HOST, TIKTOK_TOKEN_URL: tokenUrl });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) break;
    if (await canConnect(port)) {
      return { url: `http://${HOST}:${port}${TOKEN_PATH}`, stop: () => stopChild(child.process) };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await stopChild(child.process);
  throw new Error(`${path.relative(REPO_ROOT, SERVER_FILE)} did not start listening on ${port}. ${child.stderrTail()}`);
}

export async function startBaselineServer(tokenUrl: string): Promise<RunningServer> {
  const child = forkTs(path.join(__dirname, "express-baseline.ts"), { TIKTOK_TOKEN_URL: tokenUrl });
  const { url } = await waitForMessage(child, isReady, 10_000, "Express baseline");
  return { url, stop: () => stopChild(child.process) };
}

/** Both servers, started side by side to save time; if either fails, the other is stopped too. */
export async function startOursAndBaseline(tokenUrl: string): Promise<[RunningServer, RunningServer]> {
  const [ours, baseline] = await Promise.allSettled([startOurServer(tokenUrl), startBaselineServer(tokenUrl)]);
  if (ours.status === "fulfilled" && baseline.status === "fulfilled") return [ours.value, baseline.value];
  await Promise.all([ours, baseline].map((s) => (s.status === "fulfilled" ? s.value.stop() : Promise.resolve())));
  throw ours.status === "rejected" ? ours.reason : baseline.status === "rejected" ? baseline.reason : undefined;
}
