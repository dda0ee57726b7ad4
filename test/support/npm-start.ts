import { ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export interface StartedServer {
  tokenUrl: string;
  /** Everything the server wrote to stdout (its request log lines). */
  stdout(): string;
  /** Everything the server wrote to stderr (its banner). */
  stderr(): string;
  /** Closes our end of the server's stdout pipe, as `npm start | head -1` does once head exits. */
  closeStdout(): void;
  /** Whether the server process (npm and node under it) is still running. */
  running(): boolean;
  stop(): Promise<void>;
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Runs `npm start` exactly as a user would, on an ephemeral port, and waits for its banner. */
export function startWithNpm(env: Record<string, string>): Promise<StartedServer> {
  const child: ChildProcess = spawn("npm", ["start", "--silent"], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: "0", ...env },
    // Its own process group, so stop() also ends node under npm.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      process.kill(-(child.pid as number), "SIGTERM");
    });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`npm start did not come up within 30 s:\n${stderr}`));
    }, 30_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({
          tokenUrl: match[1],
          stdout: () => stdout,
          stderr: () => stderr,
          closeStdout: () => child.stdout?.destroy(),
          running: () => child.exitCode === null && child.signalCode === null,
          stop,
        });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${stderr}`));
    });
  });
}
