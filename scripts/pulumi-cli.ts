import { execFile } from "node:child_process";

/**
 * Reads a stack through the Pulumi CLI, the only thing that can decrypt its secrets. Each failure
 * becomes one {@link PulumiCliError} saying what to do, instead of a stack trace.
 */

export class PulumiCliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PulumiCliError";
  }
}

export interface StackJson {
  /** `pulumi stack output --json --show-secrets` */
  outputs: string;
  /** `pulumi config --json --show-secrets` */
  config: string;
}

// Secrets and outputs of one stack are a few kilobytes; this is only a guard against runaway output.
const MAX_OUTPUT_BYTES = 10 * 1024 * 1024;
// A backend that needs a login or a passphrase fails fast with --non-interactive; this covers a hung network.
const PULUMI_TIMEOUT_MS = 120_000;

/** Runs both commands in `projectDir` (where Pulumi.yaml is), one after the other. */
export async function readStackJson(stack: string, projectDir: string): Promise<StackJson> {
  const common = ["--json", "--show-secrets", "--non-interactive", "--stack", stack];
  const outputs = await runPulumi(["stack", "output", ...common], projectDir, stack);
  const config = await runPulumi(["config", ...common], projectDir, stack);
  return { outputs, config };
}

function runPulumi(args: string[], cwd: string, stack: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "pulumi",
      args,
      { cwd, maxBuffer: MAX_OUTPUT_BYTES, timeout: PULUMI_TIMEOUT_MS },
      (err, stdout, stderr) => {
        if (err === null) return resolve(stdout);
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
          return reject(
            new PulumiCliError(
              "The Pulumi CLI (`pulumi`) is not on PATH. Install it (https://www.pulumi.com/docs/iac/download-install/), " +
                "log in to the backend that holds the stack (`pulumi login`), and run again.",
            ),
          );
        }
        const said = firstLines(stderr) || err.message;
        if (/no stack named|stack .* not found/i.test(stderr)) {
          return reject(
            new PulumiCliError(
              `Stack "${stack}" does not exist in the current Pulumi backend (pulumi said: ${said}). ` +
                "List the stacks with `pulumi stack ls`, or `pulumi login` to the backend that holds it.",
            ),
          );
        }
        reject(new PulumiCliError(`\`pulumi ${args.join(" ")}\` failed: ${said}`));
      },
    );
  });
}

function firstLines(text: string): string {
  return text.trim().split("\n").slice(0, 3).join(" ").slice(0, 500);
}
