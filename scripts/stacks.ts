import fs from "node:fs";
import path from "node:path";

/**
 * The project's stacks, read from its `Pulumi.<stack>.yaml` files: the one list that pull-request
 * previews, ordered deploys and the drift check derive from (the workflows run this file; their
 * tests call the same functions). Adding `Pulumi.staging.yaml` adds a stack everywhere, with no
 * workflow edit.
 *
 * A stack is production when its name is `prod` or starts with `prod-`: production is deployed last,
 * behind its GitHub Environment's required reviewers, and never previewed by pull-request code.
 */

export interface StackSet {
  /** Every stack, in deploy order: `dev` first, other non-production stacks by name, production last. */
  all: string[];
  nonProduction: string[];
  production: string[];
}

/** `Pulumi.<stack>.yaml`; the project file `Pulumi.yaml` has no stack part and never matches. */
const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;
/**
 * The Pulumi CLI reads a stack's file with the project file's extension (`ProjectStackPath`,
 * sdk/go/common/workspace/paths.go), and ours is `Pulumi.yaml`: a `.yml` stack file would pass
 * every check here and be deployed with an empty configuration.
 */
const OTHER_EXTENSION = /^Pulumi\.(.+)\.yml$/;
/**
 * Names usable everywhere a stack name goes: Pulumi stack names, GitHub Environment names
 * (`<stack>`, `<stack>-preview`), concurrency groups and Lambda function names. A name ending in
 * `-preview` is refused as well: it would collide with another stack's preview environment.
 */
const STACK_NAME = /^[a-z0-9][a-z0-9-]*$/;

export function isProductionStack(stack: string): boolean {
  return stack === "prod" || stack.startsWith("prod-");
}

/** The stack set for a directory listing. Throws, naming the file, on a stack name CI cannot use. */
export function stacksFromFileNames(fileNames: readonly string[]): StackSet {
  const stacks: string[] = [];
  for (const file of fileNames) {
    const other = OTHER_EXTENSION.exec(file);
    if (other) {
      throw new Error(
        `${file}: the Pulumi CLI reads stack files named like the project file (Pulumi.yaml), so it would never read ` +
          `this one. Rename it to Pulumi.${other[1]}.yaml.`,
      );
    }
    const match = STACK_FILE.exec(file);
    if (!match) continue;
    const stack = match[1];
    if (!STACK_NAME.test(stack)) {
      throw new Error(
        `${file}: "${stack}" is not a usable stack name. Use lower-case letters, digits and hyphens, ` +
          "starting with a letter or digit (it also names GitHub Environments and AWS resources).",
      );
    }
    if (stack.endsWith("-preview")) {
      throw new Error(
        `${file}: "${stack}" ends in "-preview", which CI reserves for the read-only GitHub Environment of ` +
          `each stack (<stack>-preview): its deploy environment would be the preview environment of ` +
          `"${stack.slice(0, -"-preview".length)}". Rename the file.`,
      );
    }
    stacks.push(stack);
  }
  if (stacks.length === 0) throw new Error("No Pulumi.<stack>.yaml file found: there is no stack to deploy.");
  const byDeployOrder = (a: string, b: string) =>
    Number(b === "dev") - Number(a === "dev") || (a < b ? -1 : a > b ? 1 : 0);
  const nonProduction = stacks.filter((s) => !isProductionStack(s)).sort(byDeployOrder);
  const production = stacks.filter(isProductionStack).sort(byDeployOrder);
  return { all: [...nonProduction, ...production], nonProduction, production };
}

/** The stack set of the project in `projectDir` (where Pulumi.yaml is). */
export function listStacks(projectDir: string): StackSet {
  return stacksFromFileNames(fs.readdirSync(projectDir));
}

/** The step outputs the workflows read: JSON lists, for `fromJSON(...)` in a matrix. */
export function githubOutputs(stacks: StackSet): string {
  return [
    `all=${JSON.stringify(stacks.all)}`,
    `non_production=${JSON.stringify(stacks.nonProduction)}`,
    `production=${JSON.stringify(stacks.production)}`,
    "",
  ].join("\n");
}

// `ts-node scripts/stacks.ts [projectDir]`: appends the outputs to $GITHUB_OUTPUT in a workflow,
// prints them otherwise.
if (require.main === module) {
  try {
    const outputs = githubOutputs(listStacks(path.resolve(process.argv[2] ?? path.join(__dirname, ".."))));
    if (process.env.GITHUB_OUTPUT) fs.appendFileSync(process.env.GITHUB_OUTPUT, outputs);
    process.stdout.write(outputs);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
