/**
 * `npm run bench`: measures the built proxy (dist/, fresh from `npm run build`) on this machine
 * and prints one table with each target's verdict. Exits 1 when a target fails, so a regression
 * is visible in CI, but always prints the table first.
 *
 * Layout: the TikTok stub, our server and the Express baseline each run in their own process;
 * this process only generates load (autocannon) and collects results.
 */
import { statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stopAllChildren } from "./children";
import { measureColdRequire } from "./cold-require";
import { BUNDLE_FILE, COLD_REQUIRE_RUNS, REPO_ROOT, TARGETS } from "./config";
import { emulatorSanityRow } from "./emulator-sanity";
import { CODE } from "./fixtures";
import { handlerCostRows } from "./handler-cost";
import { startStub } from "./stub-process";
import { num, renderTable, Row, verdict } from "./table";
import { throughputRows } from "./throughput";

const notes: string[] = [];

/** A phase that throws becomes a FAIL row with the reason below the table; the others still run. */
async function phase(section: string, name: string, run: () => Promise<Row[]>): Promise<Row[]> {
  try {
    return await run();
  } catch (err) {
    notes.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    return [{ section, measure: name, ours: "error (see below)", reference: "", target: "", verdict: "FAIL" }];
  }
}

function bundleSizeRow(): Row {
  const bytes = statSync(BUNDLE_FILE).size;
  return {
    section: "3",
    measure: `bundle size ${path.relative(REPO_ROOT, BUNDLE_FILE)}`,
    ours: `${num(bytes)} B (${num(bytes / 1024, 1)} KiB)`,
    reference: "",
    target: `<= ${num(TARGETS.bundleBytes / 1024)} KiB`,
    verdict: verdict(bytes <= TARGETS.bundleBytes),
  };
}

async function coldRequireRows(): Promise<Row[]> {
  const { bundleMs, expressMs } = await measureColdRequire(BUNDLE_FILE);
  const ratio = bundleMs / expressMs;
  return [
    {
      section: "4",
      measure: `cold require, fresh node, median of ${COLD_REQUIRE_RUNS} (ms)`,
      ours: `${num(bundleMs, 1)} (${num(ratio, 2)}x)`,
      reference: `${num(expressMs, 1)} require("express")`,
      target: `<= 1/${num(1 / TARGETS.requireRatio)} of Express`,
      verdict: verdict(ratio <= TARGETS.requireRatio),
    },
  ];
}

async function main(): Promise<Row[]> {
  const rows: Row[] = [];
  try {
    const stub = await startStub(CODE);
    rows.push(...(await phase("1", "local server throughput", () => throughputRows(stub))));
    rows.push(...(await phase("2", "handler cost", () => handlerCostRows(stub))));
  } catch (err) {
    notes.push(`TikTok stub: ${err instanceof Error ? err.message : String(err)}`);
    rows.push({
      section: "1",
      measure: "TikTok stub",
      ours: "did not start",
      reference: "",
      target: "",
      verdict: "FAIL",
    });
  } finally {
    // The stub and servers go before start-up times are measured: nothing may compete for the cores.
    await stopAllChildren();
  }
  rows.push(...(await phase("0", "real exchange via emulator", async () => [await emulatorSanityRow()])));
  rows.push(...(await phase("3", "bundle size", () => Promise.resolve([bundleSizeRow()]))));
  rows.push(...(await phase("4", "cold require", coldRequireRows)));
  // Stable sort: sections in order, rows within a section as their phase produced them.
  return rows.sort((a, b) => a.section.localeCompare(b.section, "en", { numeric: true }));
}

main()
  .then((rows) => {
    const cpus = os.cpus();
    // The load average says how much else this shared machine was running: context for the noise.
    const load = os.loadavg()[0].toFixed(2);
    process.stdout.write(
      `\nnode ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? "unknown CPU"}, load average ${load}\n`,
    );
    process.stdout.write(`${renderTable(rows)}\n`);
    for (const note of notes) process.stdout.write(`\n! ${note}\n`);
    const failed = rows.filter((row) => row.verdict === "FAIL").length;
    process.stdout.write(`\n${failed === 0 ? "All targets met." : `${failed} target(s) missed.`}\n`);
    process.exitCode = failed === 0 ? 0 : 1;
  })
  .catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => stopAllChildren());
