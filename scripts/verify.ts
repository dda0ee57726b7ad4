import path from "node:path";
import { PulumiCliError, readStackJson } from "./pulumi-cli";
import { parseVerifyArgs, UsageError, USAGE } from "./verify-args";
import { hasFailures, runVerifyChecks } from "./verify-checks";
import { fetchHttpClient } from "./verify-http";
import { formatVerifyReport } from "./verify-report";
import { StackReadError, verifyTargetFromPulumi } from "./verify-target";

/**
 * `npm run verify -- --stack <name>`: a post-deploy smoke test of a real deployment. This file only
 * wires the pieces: arguments, the Pulumi CLI, the checks (verify-checks.ts), the report, the exit code.
 */

const PROJECT_DIR = path.resolve(__dirname, "..");

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseVerifyArgs(argv, env);
  if (args.help || args.stack === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const stackJson = await readStackJson(args.stack, PROJECT_DIR);
  const target = verifyTargetFromPulumi(stackJson.outputs, stackJson.config, {
    clientId: args.clientId,
    redirectUri: args.redirectUri,
  });
  process.stdout.write(
    `Verifying stack ${args.stack}: token URL ${target.tokenUrl}, Auth0 ${target.auth0BaseUrl}, connection ${target.connectionName}\n`,
  );
  const results = await runVerifyChecks(target, fetchHttpClient());
  process.stdout.write(`${formatVerifyReport(results)}\n`);
  return hasFailures(results) ? 1 : 0;
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // The expected failures say what to do in their message; anything else is a bug, so keep its stack.
    const expected = err instanceof UsageError || err instanceof PulumiCliError || err instanceof StackReadError;
    const text = err instanceof Error ? (expected ? err.message : (err.stack ?? err.message)) : String(err);
    process.stderr.write(`npm run verify: ${text}\n`);
    if (err instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
    // 2 for a usage mistake, as most CLIs do; 1 for everything else.
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
