import { ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import os from "node:os";
import { REPO_ROOT } from "./config";

/**
 * Child processes of the bench. Every one is tracked so that it is ended however the bench ends:
 * normal finish, a thrown error, Ctrl-C, or process exit.
 */
export interface Child {
  readonly process: ChildProcess;
  /** The last few KiB of its stderr, to explain a failure. */
  stderrTail(): string;
}

const live = new Set<ChildProcess>();

function track(child: ChildProcess): Child {
  live.add(child);
  let tail = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-4096);
  });
  child.on("exit", () => live.delete(child));
  // Spawn failures and IPC errors: kept for the failure message instead of crashing the bench.
  child.on("error", (err) => {
    tail = `${tail}\n${err.message}`.slice(-4096);
  });
  return { process: child, stderrTail: () => tail.trim() };
}

const childEnv = (env: Record<string, string>) => ({ ...process.env, ...env });

/**
 * A TypeScript file of the bench in its own process with an IPC channel. stdout goes to /dev/null:
 * the proxy logs one line per request there, which is part of its real cost, and a pipe nobody
 * drains would block it.
 */
export function forkTs(file: string, env: Record<string, string> = {}): Child {
  return track(
    fork(file, [], {
      cwd: REPO_ROOT,
      execArgv: ["-r", "ts-node/register/transpile-only"],
      env: childEnv(env),
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    }),
  );
}

/** A built JavaScript file run exactly as `node <file>` would, stdout to /dev/null. */
export function spawnNode(file: string, env: Record<string, string> = {}): Child {
  return track(
    spawn(process.execPath, [file], { cwd: REPO_ROOT, env: childEnv(env), stdio: ["ignore", "ignore", "pipe"] }),
  );
}

/** The first message from `child` that `accept` recognises; fails on exit or after `timeoutMs`. */
export function waitForMessage<T>(
  child: Child,
  accept: (message: unknown) => message is T,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.process.off("message", onMessage);
      child.process.off("exit", onExit);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: no answer within ${timeoutMs} ms. ${child.stderrTail()}`));
    }, timeoutMs);
    const onMessage = (message: unknown) => {
      if (!accept(message)) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new Error(`${what} exited (${code ?? signal}) before answering. ${child.stderrTail()}`));
    };
    child.process.on("message", onMessage);
    child.process.on("exit", onExit);
  });
}

/** Ends one child: SIGTERM, then SIGKILL if it has not exited within 2 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill("SIGKILL"), 2000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map(stopChild));
}

// Last resort for paths that skip the orderly stop (process.exit, uncaught errors): exit handlers
// must be synchronous, so this cannot wait, only kill.
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void stopAllChildren().finally(() => process.exit(130));
  });
}

/**
 * Best effort: keeps a child on one CPU (all its threads), so two processes that ping-pong over
 * loopback are not migrated between cores mid-measurement. Silently does nothing where `taskset`
 * is missing or the machine has a single CPU.
 */
export function pinToCpu(child: Child, cpu: number): void {
  const pid = child.process.pid;
  if (pid === undefined || os.availableParallelism() < 2) return;
  try {
    execFileSync("taskset", ["-a", "-c", "-p", String(cpu), String(pid)], { stdio: "ignore", timeout: 2000 });
  } catch {
    // Pinning only reduces noise; the measurement stays valid without it.
  }
}
