import fs from "node:fs";
import path from "node:path";

/**
 * A stand-in for the Pulumi CLI: an executable named `pulumi` that prints canned JSON for
 * `pulumi stack output --json --show-secrets --stack <name>` and `pulumi config --json
 * --show-secrets --stack <name>`, fails like Pulumi for any other stack, and logs each call.
 */

export interface FakeStack {
  name: string;
  /** What `pulumi stack output --json --show-secrets` prints. */
  outputs: Record<string, unknown>;
  /** What `pulumi config --json --show-secrets` prints. */
  config: Record<string, unknown>;
}

export interface FakePulumi {
  /** Put it first on PATH. */
  binDir: string;
  /** The arguments and working directory of every call so far. */
  calls(): { args: string[]; cwd: string }[];
}

/** Writes the fake into `dir` (a fresh temp dir). */
export function installFakePulumi(dir: string, stack: FakeStack): FakePulumi {
  const binDir = path.join(dir, "bin");
  const callLog = path.join(dir, "pulumi-calls.jsonl");
  fs.mkdirSync(binDir, { recursive: true });
  const script = `#!/usr/bin/env node
const fs = require("node:fs");
const stack = ${JSON.stringify(stack)};
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(callLog)}, JSON.stringify({ args, cwd: process.cwd() }) + "\\n");
const stackName = args[args.indexOf("--stack") + 1];
if (!args.includes("--stack") || stackName !== stack.name) {
  process.stderr.write("error: no stack named '" + stackName + "' found\\n");
  process.exit(255);
}
if (!args.includes("--json") || !args.includes("--show-secrets")) {
  process.stderr.write("fake pulumi: expected --json and --show-secrets, got " + args.join(" ") + "\\n");
  process.exit(1);
}
if (args[0] === "stack" && args[1] === "output") process.stdout.write(JSON.stringify(stack.outputs, null, 2) + "\\n");
else if (args[0] === "config") process.stdout.write(JSON.stringify(stack.config, null, 2) + "\\n");
else {
  process.stderr.write("fake pulumi: unexpected command " + args.join(" ") + "\\n");
  process.exit(1);
}
`;
  fs.writeFileSync(path.join(binDir, "pulumi"), script, { mode: 0o755 });
  return {
    binDir,
    calls: () =>
      fs.existsSync(callLog)
        ? fs
            .readFileSync(callLog, "utf8")
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as { args: string[]; cwd: string })
        : [],
  };
}

/**
 * A directory holding only links to `commands` (as found on the current PATH), for a PATH on which
 * nothing else, `pulumi` included, can be found.
 */
export function pathWithOnly(dir: string, commands: string[]): string {
  const binDir = path.join(dir, "only-bin");
  fs.mkdirSync(binDir, { recursive: true });
  const searchPath = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const command of commands) {
    const found = searchPath.map((entry) => path.join(entry, command)).find((candidate) => isExecutable(candidate));
    if (found === undefined) throw new Error(`${command} is not on PATH`);
    fs.symlinkSync(fs.realpathSync(found), path.join(binDir, command));
  }
  return binDir;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
