import * as fs from "node:fs";
import * as path from "node:path";
import { checkStackFile, StackFileReport } from "./stack-files";
import { listStacks } from "./stacks";

/**
 * `npm run check-stacks [-- --stack <name>]`: the program's validation over the committed stack
 * files, without the Pulumi CLI (scripts/stack-files.ts says what counts as what).
 *
 * Exit codes, which deploy.yml's plan reads:
 *   0  every file checked is valid and configured;
 *   3  valid, but a stack is not configured yet (a placeholder or a missing value);
 *   1  a mistake in a file (or a stack file name CI cannot use);
 *   2  a usage error.
 * Without --stack, "not configured yet" is a warning and the exit code is 0 or 1: `npm test` runs it
 * this way, so copying an example stack file never breaks the tests, and a typo always does.
 */

export const EXIT = { ok: 0, mistakes: 1, usage: 2, notConfigured: 3 } as const;

export const USAGE = `Usage: npm run check-stacks [-- --stack <name>]

Validates every Pulumi.<stack>.yaml of the project (or one stack's) with the program's own rules.
Exits 1 on a mistake, 3 with --stack when that stack is not configured yet, 0 otherwise.`;

export interface CheckResult {
  exitCode: number;
  /** For stderr: mistakes, then what is not configured yet. */
  lines: string[];
}

/** Parses the arguments and checks the stack files in `projectDir`; touches nothing but files there. */
export function checkStacks(args: readonly string[], projectDir: string): CheckResult {
  let stack: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--help") return { exitCode: EXIT.ok, lines: [USAGE] };
    const inline = /^--stack=(.*)$/.exec(arg);
    if (inline) stack = inline[1];
    else if (arg === "--stack") stack = args[++i];
    else return { exitCode: EXIT.usage, lines: [`Unknown argument "${arg}".`, USAGE] };
    if (stack === undefined || stack === "") return { exitCode: EXIT.usage, lines: ["--stack needs a name.", USAGE] };
  }

  let files: string[];
  try {
    const stacks = listStacks(projectDir).all;
    // CI names stacks org-qualified (<org>/tiktok-auth0/dev); the file is named by the last part.
    const wanted = stack?.split("/").pop();
    if (wanted !== undefined && !stacks.includes(wanted)) {
      return {
        exitCode: EXIT.mistakes,
        lines: [`No stack file for "${stack}": expected Pulumi.${wanted}.yaml next to Pulumi.yaml.`],
      };
    }
    files = stacks.filter((name) => wanted === undefined || name === wanted).map((name) => `Pulumi.${name}.yaml`);
  } catch (err) {
    return { exitCode: EXIT.mistakes, lines: [err instanceof Error ? err.message : String(err)] };
  }

  const reports: StackFileReport[] = files.map((file) =>
    checkStackFile(file, fs.readFileSync(path.join(projectDir, file), "utf8")),
  );
  const mistakes = reports.flatMap((report) => report.mistakes);
  const notConfigured = reports.flatMap((report) => report.notConfigured);
  const lines = [
    ...mistakes.map((line) => `error: ${line}`),
    // One stack asked for by name (CI's deploy) is refused; the whole repository (npm test) is warned about.
    ...notConfigured.map((line) => `${stack === undefined ? "warning: " : ""}not configured yet: ${line}`),
  ];
  if (mistakes.length > 0) return { exitCode: EXIT.mistakes, lines };
  if (notConfigured.length > 0 && stack !== undefined) {
    lines.push(`Stack ${stack} is not configured yet: fill in the values above before it is deployed.`);
    return { exitCode: EXIT.notConfigured, lines };
  }
  return { exitCode: EXIT.ok, lines };
}

if (require.main === module) {
  const { exitCode, lines } = checkStacks(process.argv.slice(2), path.resolve(__dirname, ".."));
  if (lines.length > 0) process.stderr.write(`${lines.join("\n")}\n`);
  process.exitCode = exitCode;
}
