/**
 * `npm run bench:plugin`: how long the component package takes to start as the engine starts it
 * (run-plugin, which type-checks the sources with ts-node under the tsconfig.json of the caller's
 * working directory), until it prints its port and until it answers the first GetSchema (schema
 * inference over the plugin's own tsconfig.json, which a Construct also waits for). Prints numbers
 * only; nothing here passes or fails.
 *
 * The caller's working directory is empty (no tsconfig.json: ts-node's defaults), and the plugin's
 * own tsconfig.json varies:
 *   narrow  component/tsconfig.json as shipped: index.ts and what it imports
 *   wide    a copy of component/ whose tsconfig.json includes every .ts file of the repository
 *           (tests, bench, scripts), as a tsconfig copied from the root would
 * The caller's side (ts-node) compiles only what is required, whatever its tsconfig lists.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { COMPONENT_DIR, getSchema, startPlugin } from "../test/component/support/plugin-host";
import { REPO_ROOT } from "./config";

const RUNS = Number(process.env.PLUGIN_START_RUNS ?? 3);
// Not contacted until a Construct; GetSchema needs no engine.
const NO_ENGINE = "127.0.0.1:1";

async function once(cwd: string, pluginDir: string): Promise<{ portMs: number; schemaMs: number }> {
  const started = Date.now();
  const plugin = await startPlugin(cwd, NO_ENGINE, pluginDir);
  try {
    await getSchema(plugin.client);
    return { portMs: plugin.startMs, schemaMs: Date.now() - started };
  } finally {
    plugin.client.close();
    await plugin.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main(): Promise<void> {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "tiktok-auth0-caller-"));
  // Inside the repository, so the copy resolves @pulumi/* from the root's node_modules as component/ does (and
  // not a dot-directory, which TypeScript's wildcards skip).
  const wide = fs.mkdtempSync(path.join(REPO_ROOT, "tmp-bench-plugin-wide-"));
  fs.cpSync(COMPONENT_DIR, wide, { recursive: true });
  const narrowConfig = JSON.parse(fs.readFileSync(path.join(COMPONENT_DIR, "tsconfig.json"), "utf8")) as {
    compilerOptions: Record<string, unknown>;
  };
  fs.writeFileSync(
    path.join(wide, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: narrowConfig.compilerOptions,
      include: ["../**/*.ts"],
      exclude: ["../node_modules"],
    }),
  );
  const cases: [string, string][] = [
    ["narrow (component/tsconfig.json)", COMPONENT_DIR],
    ["wide (every .ts of the repository)", wide],
  ];
  process.stdout.write(
    `plugin start, ${RUNS} runs each, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}\n`,
  );
  try {
    for (const [label, pluginDir] of cases) {
      const runs: { portMs: number; schemaMs: number }[] = [];
      // One after another: parallel starts would compete for the CPUs.
      for (let i = 0; i < RUNS; i++) runs.push(await once(empty, pluginDir));
      const port = runs.map((run) => run.portMs);
      const schema = runs.map((run) => run.schemaMs);
      process.stdout.write(
        `${label.padEnd(34)} port: median ${median(port)} ms (${port.join(", ")})  ` +
          `first GetSchema: median ${median(schema)} ms (${schema.join(", ")})\n`,
      );
    }
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
    fs.rmSync(wide, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
