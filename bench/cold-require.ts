import { execFile } from "node:child_process";
import { COLD_REQUIRE_RUNS, REPO_ROOT } from "./config";
import { median } from "./stats";

/**
 * Runs inside a fresh `node`: times only the require, so node's own start-up (the same for both
 * modules) does not dilute the comparison. Prints milliseconds.
 */
const TIME_REQUIRE =
  "const t=process.hrtime.bigint();require(process.argv[1]);" +
  "process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))";

function requireTimeMs(modulePath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["-e", TIME_REQUIRE, modulePath], { cwd: REPO_ROOT, timeout: 10_000 }, (err, stdout) => {
      const ms = Number(stdout);
      if (err || !Number.isFinite(ms)) reject(err ?? new Error(`cannot time require of ${modulePath}: "${stdout}"`));
      else resolve(ms);
    });
  });
}

export interface ColdRequireResult {
  bundleMs: number;
  expressMs: number;
}

/** Median of COLD_REQUIRE_RUNS fresh processes each, alternating so drift hits both alike. */
export async function measureColdRequire(bundlePath: string): Promise<ColdRequireResult> {
  const expressPath = require.resolve("express", { paths: [REPO_ROOT] });
  const bundle: number[] = [];
  const express: number[] = [];
  for (let run = 0; run < COLD_REQUIRE_RUNS; run++) {
    bundle.push(await requireTimeMs(bundlePath));
    express.push(await requireTimeMs(expressPath));
  }
  return { bundleMs: median(bundle), expressMs: median(express) };
}
