import { spawn } from "node:child_process";
import path from "node:path";

export interface ScriptRun {
  /** The exit code; null if the script was killed (see `timedOut`). */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Runs `npm run <script> [-- args]` in the repository, as a user would, and collects its output.
 * Killed after `timeoutMs`, so a script that does not shut down fails its test instead of hanging it.
 */
export function runNpmScript(
  script: string,
  args: string[] = [],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ScriptRun> {
  const npmArgs = ["run", "--silent", script, ...(args.length > 0 ? ["--", ...args] : [])];
  const child = spawn("npm", npmArgs, {
    cwd: REPO_ROOT,
    env: options.env ?? process.env,
    // Its own process group, so a timeout also ends the node process under npm.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));

  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-(child.pid as number), "SIGKILL");
    }, options.timeoutMs ?? 30_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
