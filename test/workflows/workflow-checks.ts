import type { StackSet } from "../../scripts/stacks";
import { parseYaml } from "./yaml";

/**
 * Checks of this repository's GitHub Actions rules that actionlint does not make. Each takes a
 * workflow's text and returns problems as sentences (empty: none), so tests can feed them both the
 * real workflows and deliberately broken ones.
 */

export interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  concurrency?: string | { group?: string; "cancel-in-progress"?: boolean | string; queue?: string };
  if?: string;
  strategy?: { matrix?: Record<string, unknown>; "max-parallel"?: number; "fail-fast"?: boolean };
  outputs?: Record<string, unknown>;
  env?: Record<string, unknown>;
  uses?: string;
  steps?: Step[];
}

export interface Workflow {
  name?: string;
  on?: unknown;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

export function parseWorkflow(text: string, filename = "<inline>"): Workflow {
  const parsed = parseYaml(text, filename);
  if (parsed === null || typeof parsed !== "object" || typeof (parsed as { jobs?: unknown }).jobs !== "object") {
    throw new Error(`${filename} is not a workflow: it has no jobs`);
  }
  return parsed as Workflow;
}

// ---------------------------------------------------------------------------------------------
// Pinning
// ---------------------------------------------------------------------------------------------

const FULL_SHA = /^[0-9a-f]{40}$/;
const EXACT_VERSION = /^v?\d+\.\d+\.\d+$/;

/**
 * Every `uses:` must be local (`./...`), a docker image by digest, a full commit SHA followed on the
 * same line by a `# vX.Y.Z` comment naming the release, or an exact version tag (`@v1.2.3`, never
 * `@v1` or `@main`).
 */
export function unpinnedUses(text: string): string[] {
  const problems: string[] = [];
  text.split("\n").forEach((line, index) => {
    const match = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(#.*)?$/.exec(line);
    if (!match) return;
    const [, reference, comment] = match;
    const where = `line ${index + 1}: ${reference}`;
    if (reference.startsWith("./")) return;
    if (reference.startsWith("docker://")) {
      if (!/@sha256:[0-9a-f]{64}$/.test(reference)) problems.push(`${where} is a docker image without a sha256 digest`);
      return;
    }
    const at = reference.lastIndexOf("@");
    const ref = at === -1 ? "" : reference.slice(at + 1);
    if (FULL_SHA.test(ref)) {
      if (!comment || !/^#\s*v?\d+\.\d+\.\d+\s*$/.test(comment)) {
        problems.push(`${where} is pinned to a SHA without a "# vX.Y.Z" comment naming its release`);
      }
    } else if (!EXACT_VERSION.test(ref)) {
      problems.push(`${where} is not pinned: use a full commit SHA (with "# vX.Y.Z") or an exact version`);
    }
  });
  return problems;
}

/** The same action must be pinned to the same SHA everywhere, so one upgrade cannot miss a file. */
export function inconsistentPins(texts: readonly string[]): string[] {
  const pins = new Map<string, Set<string>>();
  for (const text of texts) {
    for (const match of text.matchAll(/uses:\s*["']?([^\s"'@#]+)@([0-9a-f]{40})/g)) {
      const [, action, sha] = match;
      pins.set(action, (pins.get(action) ?? new Set()).add(sha));
    }
  }
  return [...pins]
    .filter(([, shas]) => shas.size > 1)
    .map(([action, shas]) => `${action} is pinned to ${shas.size} different SHAs: ${[...shas].join(", ")}`);
}

// ---------------------------------------------------------------------------------------------
// Permissions and credentials
// ---------------------------------------------------------------------------------------------

function stepsOf(job: Job): Step[] {
  return Array.isArray(job.steps) ? job.steps : [];
}

function usesAction(step: Step, action: string): boolean {
  return typeof step.uses === "string" && step.uses.split("@")[0] === action;
}

function permissionsOf(job: Job): Record<string, string> {
  return job.permissions !== null && typeof job.permissions === "object" ? job.permissions : {};
}

/** The workflow grants nothing by default, and every job says exactly what it needs. */
export function permissionProblems(text: string): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  const top = workflow.permissions;
  if (top === undefined || (typeof top === "object" && Object.keys(top).length > 0) || typeof top === "string") {
    problems.push("the workflow must set `permissions: {}` at the top, so a job without its own block gets nothing");
  }
  for (const [id, job] of Object.entries(workflow.jobs)) {
    if (job.permissions === undefined) {
      problems.push(`job ${id} has no permissions block`);
      continue;
    }
    if (typeof job.permissions === "string") {
      problems.push(`job ${id} uses permissions: ${job.permissions}; list each permission instead`);
      continue;
    }
    const permissions = permissionsOf(job);
    const steps = stepsOf(job);
    const comments = steps.some(
      (step) => usesAction(step, "pulumi/actions") && String(step.with?.["comment-on-pr"]) === "true",
    );
    if (permissions["pull-requests"] === "write" && !comments) {
      problems.push(`job ${id} has pull-requests: write but posts no comment`);
    }
    if (comments && permissions["pull-requests"] !== "write") {
      problems.push(`job ${id} comments on the pull request without pull-requests: write`);
    }
    const usesAws = steps.some((step) => usesAction(step, "aws-actions/configure-aws-credentials"));
    if (permissions["id-token"] === "write" && !usesAws)
      problems.push(`job ${id} has id-token: write but assumes no AWS role`);
    for (const [scope, level] of Object.entries(permissions)) {
      if (level === "write" && !["id-token", "pull-requests"].includes(scope)) {
        problems.push(`job ${id} has ${scope}: write, which no job of this repository needs`);
      }
    }
  }
  return problems;
}

const MATRIX_NODE = /^\$\{\{\s*matrix\.node\s*\}\}$/;

/**
 * Node.js in CI is one of the releases package.json pins (`config.nodeVersions`), never a floating
 * major: every setup-node step names a pinned version exactly, or `${{ matrix.node }}` over pinned
 * versions. A job that runs `npm test` runs it under each pinned release: its matrix `node` is the
 * pinned list, and its setup-node takes `${{ matrix.node }}`.
 */
export function nodeVersionProblems(text: string, pinned: readonly string[]): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  const pinnedList = `package.json config.nodeVersions (${pinned.join(", ")})`;
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const matrixNode = job.strategy?.matrix?.node;
    const matrixVersions = Array.isArray(matrixNode) ? matrixNode.map(textOf) : undefined;
    const setups = stepsOf(job).filter((step) => usesAction(step, "actions/setup-node"));
    const fromMatrix = setups.filter((step) => MATRIX_NODE.test(textOf(step.with?.["node-version"])));
    for (const step of setups) {
      const version = textOf(step.with?.["node-version"]);
      if (MATRIX_NODE.test(version)) continue;
      if (!pinned.includes(version))
        problems.push(`job ${id} sets up Node ${version === "" ? "(no version)" : version}, not one of ${pinnedList}`);
    }
    if (fromMatrix.length > 0) {
      if (matrixVersions === undefined)
        problems.push(`job ${id} sets up Node from matrix.node, which it does not list`);
      else
        for (const version of matrixVersions.filter((v) => !pinned.includes(v)))
          problems.push(`job ${id} has Node ${version} in its matrix, not one of ${pinnedList}`);
    }
    const runsTests = stepsOf(job).some((step) => /^npm test(\s|$)/.test(textOf(step.run).trim()));
    if (
      runsTests &&
      (fromMatrix.length === 0 || matrixVersions === undefined || matrixVersions.join(" ") !== pinned.join(" "))
    ) {
      problems.push(
        `job ${id} runs npm test, but not under each release of ${pinnedList}: give it strategy.matrix.node ` +
          `[${pinned.map((v) => `"${v}"`).join(", ")}] and setup-node node-version \${{ matrix.node }}`,
      );
    }
  }
  return problems;
}

/** AWS is reached only through GitHub's OIDC token and a role: no access keys anywhere. */
export function longLivedAwsCredentials(text: string): string[] {
  const problems: string[] = [];
  text.split("\n").forEach((line, index) => {
    if (
      /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws-access-key-id|aws-secret-access-key|aws-session-token/i.test(
        line,
      )
    ) {
      problems.push(`line ${index + 1} mentions long-lived AWS credentials: ${line.trim()}`);
    }
  });
  const workflow = parseWorkflow(text);
  for (const [id, job] of Object.entries(workflow.jobs)) {
    for (const step of stepsOf(job).filter((s) => usesAction(s, "aws-actions/configure-aws-credentials"))) {
      if (typeof step.with?.["role-to-assume"] !== "string")
        problems.push(`job ${id} configures AWS credentials without role-to-assume`);
      if (permissionsOf(job)["id-token"] !== "write")
        problems.push(`job ${id} assumes an AWS role without id-token: write`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Pulumi jobs
// ---------------------------------------------------------------------------------------------

/** The project name in every org-qualified stack name; a test checks it against Pulumi.yaml. */
export const PROJECT = "tiktok-auth0";
/** `stack-name` of every Pulumi step, and `$STACK` of the jobs that run the CLI themselves. */
export const QUALIFIED_STACK = `\${{ vars.PULUMI_ORG }}/${PROJECT}/\${{ matrix.stack }}`;
/** The command that computes the stack lists from the Pulumi.<stack>.yaml files. */
export const STACKS_COMMAND = "npx ts-node --transpile-only scripts/stacks.ts";

const STACK_LISTS = { all: "all", non_production: "nonProduction", production: "production" } as const;
type StackListOutput = keyof typeof STACK_LISTS;
const isStackListOutput = (name: string): name is StackListOutput =>
  Object.prototype.hasOwnProperty.call(STACK_LISTS, name);

export interface PulumiOperation {
  job: string;
  stack: string;
  command: string;
  stepIndex: number;
  /** The job's GitHub Environment for this stack, `${{ matrix.stack }}` substituted. */
  environment?: string;
}

/** A YAML scalar as text; "" for anything else, which no check below accepts. */
function textOf(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "";
}

/** Replaces `${{ matrix.<key> }}` with the value. */
function substitute(text: string, key: string, value: string): string {
  return text.replace(new RegExp(`\\$\\{\\{\\s*matrix\\.${key}\\s*\\}\\}`, "g"), value);
}

function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : ([] as string[]).concat(job.needs);
}

function environmentOf(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

/**
 * The stacks a job's matrix runs on, in order. A literal list is a problem (stacks are data); the
 * matrix must be `${{ fromJSON(needs.<job>.outputs.<list>) }}`, where that job computes the list
 * with scripts/stacks.ts. `problems` collects what is wrong; the stacks are [] then.
 */
export function matrixStacks(workflow: Workflow, jobId: string, stacks: StackSet, problems: string[] = []): string[] {
  const job = workflow.jobs[jobId];
  const value = job.strategy?.matrix?.stack;
  if (value === undefined) return [];
  const match = /^\$\{\{\s*fromJSON\(needs\.([\w-]+)\.outputs\.(\w+)\)\s*\}\}$/.exec(textOf(value));
  if (!match) {
    problems.push(`job ${jobId} lists its stacks in the workflow; use \${{ fromJSON(needs.<job>.outputs.<list>) }}`);
    return [];
  }
  const [, source, output] = match;
  const sourceJob = workflow.jobs[source];
  if (!needsOf(job).includes(source) || sourceJob === undefined) {
    problems.push(`job ${jobId} reads the stacks of job ${source}, which it does not need`);
    return [];
  }
  const stepOutput = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.(\w+)\s*\}\}$/.exec(textOf(sourceJob.outputs?.[output]));
  const step = stepOutput && stepsOf(sourceJob).find((s) => s.id === stepOutput[1]);
  const computed = (candidate: Step) => textOf(candidate.run).trim() === STACKS_COMMAND;
  // A planning step may narrow the list down (deploy.yml skips stacks not set up yet): it reads the
  // same output of a stacks step of its job, in a job that names no GitHub Environment.
  const narrowed = (candidate: Step) =>
    environmentOf(sourceJob) === undefined &&
    Object.values(candidate.env ?? {}).some((value) => {
      const read = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.(\w+)\s*\}\}$/.exec(textOf(value));
      const from = read === null ? undefined : stepsOf(sourceJob).find((s) => s.id === read[1]);
      return read !== null && read[2] === output && from !== undefined && computed(from);
    });
  if (!stepOutput || !step || stepOutput[2] !== output || !(computed(step) || narrowed(step))) {
    problems.push(`job ${source} must compute outputs.${output} with \`${STACKS_COMMAND}\``);
    return [];
  }
  if (!isStackListOutput(output)) {
    problems.push(`job ${jobId} reads ${output}, which is not one of ${Object.keys(STACK_LISTS).join(", ")}`);
    return [];
  }
  return stacks[STACK_LISTS[output]];
}

/** A `pulumi preview` or `pulumi up` that a step's shell runs itself: the command and its flags. */
export function cliOperation(step: Step): { command: string; args: string[] } | undefined {
  const match = /(?:^|\n)\s*pulumi (preview|up)\b([^\n|]*)/.exec(textOf(step.run));
  return match ? { command: match[1], args: match[2].trim().split(/\s+/) } : undefined;
}

/**
 * Every pulumi/actions preview or up, and every `pulumi preview`/`pulumi up` a step runs itself (in a
 * job whose env STACK is the org-qualified matrix stack), once per stack (the matrix expanded from
 * `stacks`).
 */
export function pulumiOperations(workflow: Workflow, stacks: StackSet): PulumiOperation[] {
  const operations: PulumiOperation[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const jobStacks = matrixStacks(workflow, id, stacks);
    stepsOf(job).forEach((step, stepIndex) => {
      const cli = cliOperation(step);
      if (cli !== undefined) {
        const names = textOf(job.env?.STACK) === QUALIFIED_STACK ? jobStacks : [];
        const environment = environmentOf(job);
        for (const stack of names)
          operations.push({
            job: id,
            stack,
            command: cli.command,
            stepIndex,
            environment: environment === undefined ? undefined : substitute(environment, "stack", stack),
          });
        return;
      }
      if (!usesAction(step, "pulumi/actions")) return;
      const command = textOf(step.with?.command);
      if (command === "") return; // installs the CLI only
      const stackName = textOf(step.with?.["stack-name"]);
      const names = /matrix\.stack/.test(stackName) ? jobStacks : [stackName.split("/").pop() ?? stackName];
      for (const stack of names) {
        const environment = environmentOf(job);
        operations.push({
          job: id,
          stack,
          command,
          stepIndex,
          environment: environment === undefined ? undefined : substitute(environment, "stack", stack),
        });
      }
    });
  }
  return operations;
}

/** Problems with the way each job gets its stacks (see {@link matrixStacks}). */
export function stackSourceProblems(text: string, stacks: StackSet): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  for (const id of Object.keys(workflow.jobs)) matrixStacks(workflow, id, stacks, problems);
  return problems;
}

/**
 * Each job that runs preview or up on a stack holds the concurrency group `pulumi-<stack>` (the
 * same in every workflow, so previews and updates of one stack never overlap), never cancels a
 * running one, and queues instead of dropping pending ones.
 */
export function concurrencyProblems(text: string, stacks: StackSet): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  for (const operation of pulumiOperations(workflow, stacks)) {
    const job = workflow.jobs[operation.job];
    const concurrency = typeof job.concurrency === "object" ? job.concurrency : undefined;
    const group =
      concurrency?.group === undefined ? undefined : substitute(String(concurrency.group), "stack", operation.stack);
    const where = `job ${operation.job} (${operation.command} of ${operation.stack})`;
    if (group !== `pulumi-${operation.stack}`) {
      problems.push(`${where} must use the concurrency group pulumi-${operation.stack}, found ${group ?? "none"}`);
      continue;
    }
    if (concurrency?.["cancel-in-progress"] !== false) problems.push(`${where} must set cancel-in-progress: false`);
    if (concurrency?.queue !== "max")
      problems.push(`${where} must set queue: max, or a newer run silently cancels a pending one`);
  }
  return problems;
}

/**
 * Every pulumi/actions step installs exactly `cliVersion`. Those that run a command name their
 * stack `<org>/tiktok-auth0/<stack>` with the org from vars.PULUMI_ORG, refresh first, run the policy
 * pack, run after `npm ci` (the program and the pack need node_modules), and get the Pulumi token and
 * the Auth0 client credentials from secrets.
 */
export function pulumiStepProblems(text: string, cliVersion: string): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const steps = stepsOf(job);
    steps.forEach((step, index) => {
      const cli = cliOperation(step);
      if (cli !== undefined) {
        const where = `job ${id}, step ${index + 1} (pulumi ${cli.command})`;
        const has = (...flag: string[]) => cli.args.some((_, i) => flag.every((part, j) => cli.args[i + j] === part));
        if (!["preview", "up"].includes(cli.command)) problems.push(`${where}: only preview and up belong in CI`);
        if (!has("--stack", '"$STACK"') || textOf(job.env?.STACK) !== QUALIFIED_STACK)
          problems.push(`${where} must name its stack --stack "$STACK", with the job's env STACK: ${QUALIFIED_STACK}`);
        if (!has("--refresh")) problems.push(`${where} must refresh first (--refresh), or hand edits stay unseen`);
        if (!has("--policy-pack", "policy")) problems.push(`${where} must run the policy pack (--policy-pack policy)`);
        if (!has("--non-interactive")) problems.push(`${where} must run --non-interactive`);
        if (!steps.slice(0, index).some((earlier) => usesAction(earlier, "pulumi/actions")))
          problems.push(`${where} runs before a pulumi/actions step installs the pinned CLI`);
        if (!steps.slice(0, index).some((earlier) => /^npm ci\b/.test(textOf(earlier.run))))
          problems.push(`${where} runs before npm ci`);
        const env = { ...(job.env ?? {}), ...(step.env ?? {}) };
        for (const name of ["PULUMI_ACCESS_TOKEN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"]) {
          if (textOf(env[name]) !== `\${{ secrets.${name} }}`) problems.push(`${where} gets no ${name} from secrets`);
        }
        return;
      }
      if (!usesAction(step, "pulumi/actions")) return;
      const where = `job ${id}, step ${index + 1}`;
      if (textOf(step.with?.["pulumi-version"]) !== cliVersion)
        problems.push(`${where} must install the Pulumi CLI ${cliVersion} (pulumi-version: ${cliVersion})`);
      const command = textOf(step.with?.command);
      if (command === "") return; // installs the CLI only
      if (!["preview", "up"].includes(command))
        problems.push(`${where} runs ${command}; only preview and up belong in CI`);
      if (textOf(step.with?.["stack-name"]) !== QUALIFIED_STACK)
        problems.push(`${where} must name its stack ${QUALIFIED_STACK}`);
      if (step.with?.refresh !== true)
        problems.push(`${where} must refresh first (refresh: true), or hand edits stay unseen`);
      if (step.with?.policyPacks !== "policy") problems.push(`${where} must run the policy pack (policyPacks: policy)`);
      if (!steps.slice(0, index).some((earlier) => /^npm ci\b/.test(textOf(earlier.run))))
        problems.push(`${where} runs before npm ci`);
      const env = { ...(job.env ?? {}), ...(step.env ?? {}) };
      for (const name of ["PULUMI_ACCESS_TOKEN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"]) {
        if (textOf(env[name]) !== `\${{ secrets.${name} }}`) problems.push(`${where} gets no ${name} from secrets`);
      }
    });
  }
  return problems;
}

/** The Auth0 domain is `auth0:domain` in the stack file: no workflow sets AUTH0_DOMAIN. */
export function auth0DomainSettings(text: string): string[] {
  const problems: string[] = [];
  text.split("\n").forEach((line, index) => {
    if (/AUTH0_DOMAIN/.test(line) && !/^\s*#/.test(line))
      problems.push(`line ${index + 1} sets AUTH0_DOMAIN; the domain is auth0:domain in Pulumi.<stack>.yaml`);
  });
  return problems;
}

/** The index of the first step after `after` whose `run` matches, or -1. */
function stepAfter(steps: Step[], after: number, run: RegExp): number {
  const index = steps.slice(after + 1).findIndex((step) => run.test(textOf(step.run)));
  return index === -1 ? -1 : after + 1 + index;
}

/**
 * Pull requests preview exactly the non-production stacks, each in its read-only `<stack>-preview`
 * environment, and write the preview to the job summary; no production stack is touched by
 * pull-request code. Every job of the workflow runs the pull request's code, so none may write to
 * pull requests: no `pull-requests: write`, hence no `comment-on-pr`.
 */
export function pullRequestProblems(text: string, stacks: StackSet): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  const operations = pulumiOperations(workflow, stacks);
  for (const operation of operations) {
    const where = `job ${operation.job} (${operation.command} of ${operation.stack})`;
    if (operation.command !== "preview") problems.push(`${where}: a pull request only previews`);
    if (stacks.production.includes(operation.stack))
      problems.push(`${where}: pull-request code must never hold a production stack's credentials`);
    if (operation.environment !== `${operation.stack}-preview`)
      problems.push(`${where} must run in the read-only environment ${operation.stack}-preview`);
    const step = stepsOf(workflow.jobs[operation.job])[operation.stepIndex];
    if (step.with?.["comment-on-summary"] !== true)
      problems.push(`${where} must write its preview to the job summary (comment-on-summary: true)`);
  }
  for (const [id, job] of Object.entries(workflow.jobs)) {
    if (permissionsOf(job)["pull-requests"] === "write")
      problems.push(`job ${id} runs pull-request code with pull-requests: write`);
    if (stepsOf(job).some((step) => step.with?.["comment-on-pr"] !== undefined))
      problems.push(`job ${id} comments on the pull request from pull-request code; use comment-on-summary`);
  }
  const previewed = operations.map((o) => o.stack);
  for (const stack of stacks.nonProduction)
    if (!previewed.includes(stack)) problems.push(`pull requests do not preview ${stack}`);
  return problems;
}

/** The condition every step after the order check carries: it runs only when that step said deploy. */
export const DEPLOY_IF = "steps.order.outputs.deploy == 'true'";
/** The command that refuses a stack file that is not configured, or has a mistake. */
export const CHECK_STACK_COMMAND = 'npm run --silent check-stacks -- --stack "$STACK_NAME"';

/**
 * An update job checks out the whole history, refuses its stack file unless check-stacks accepts it
 * (after npm ci, before any credential), then decides with the `deployed-commit` tag whether this
 * commit is newer than the deployed one (step `order`), and runs every later step only if it is.
 */
export function updateGuardProblems(workflow: Workflow, jobId: string): string[] {
  const problems: string[] = [];
  const steps = stepsOf(workflow.jobs[jobId]);
  const checkout = steps.find((step) => usesAction(step, "actions/checkout"));
  if (checkout === undefined || textOf(checkout.with?.["fetch-depth"]) !== "0")
    problems.push(`job ${jobId} must check out the whole history (fetch-depth: 0) for the order check`);
  const install = steps.findIndex((step) => /^npm ci\b/.test(textOf(step.run)));
  const checkStack = steps.findIndex((step) => textOf(step.run).includes(CHECK_STACK_COMMAND));
  const firstCredential = steps.findIndex(
    (step) =>
      usesAction(step, "aws-actions/configure-aws-credentials") ||
      Object.keys(step.env ?? {}).includes("PULUMI_ACCESS_TOKEN"),
  );
  if (checkStack === -1 || !(install < checkStack && (firstCredential === -1 || checkStack < firstCredential)))
    problems.push(`job ${jobId} must run \`${CHECK_STACK_COMMAND}\` after npm ci and before any credential`);
  else if (textOf(steps[checkStack].env?.STACK_NAME) !== "${{ matrix.stack }}")
    problems.push(`job ${jobId} must give check-stacks STACK_NAME: \${{ matrix.stack }}`);
  const order = steps.findIndex((step) => step.id === "order");
  if (order === -1 || !/pulumi stack tag ls --json --stack "\$STACK"/.test(textOf(steps[order].run))) {
    problems.push(`job ${jobId} must read the deployed-commit tag in a step with id: order`);
    return problems;
  }
  if (order < install) problems.push(`job ${jobId} reads the stack's tags with the Pulumi token before npm ci`);
  steps.slice(order + 1).forEach((step, index) => {
    if (textOf(step.if) !== DEPLOY_IF)
      problems.push(`job ${jobId}, step ${order + index + 2} runs without if: ${DEPLOY_IF}`);
  });
  return problems;
}

/** The one implementation of "which stacks are ready": every workflow calls it, before any environment. */
export const READY_STACKS_COMMAND = "bash scripts/ready-stacks.sh";

/** A call of scripts/ready-stacks.sh in a step's shell: its output, the variable of its stacks, its environments. */
export function readyStacksCalls(step: Step): { output: string; variable: string; environments: string[] }[] {
  const calls: { output: string; variable: string; environments: string[] }[] = [];
  for (const line of textOf(step.run).split("\n")) {
    const match =
      /^\s*bash scripts\/ready-stacks\.sh ([a-z_]+) (?:[a-z-]+|"[a-z -]+") "\$(\w+)"((?: '[^'\s]+')+)\s*$/.exec(line);
    if (match)
      calls.push({
        output: match[1],
        variable: match[2],
        environments: [...match[3].matchAll(/'([^']+)'/g)].map((m) => m[1]),
      });
  }
  return calls;
}

/**
 * GitHub creates an environment that a job names and that does not exist yet, with no protection at
 * all, before any step of that job runs. So every job that names one runs on a matrix of stacks that
 * a job naming none kept with scripts/ready-stacks.sh, which checked that very environment (and the
 * stack file) first; that job may read environments (`actions: read`), and the matrix job is skipped
 * when the list is empty.
 */
export function readinessProblems(text: string): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const environment = environmentOf(job);
    if (environment === undefined) continue;
    const where = `job ${id} names the environment ${environment}`;
    const source = /^\$\{\{\s*fromJSON\(needs\.([\w-]+)\.outputs\.(\w+)\)\s*\}\}$/.exec(
      textOf(job.strategy?.matrix?.stack),
    );
    const sourceJob = source === null ? undefined : workflow.jobs[source[1]];
    if (source === null || sourceJob === undefined || !needsOf(job).includes(source[1])) {
      problems.push(`${where}, but its stacks do not come from a job it needs that keeps the ready ones`);
      continue;
    }
    const [, sourceId, output] = source;
    if (environmentOf(sourceJob) !== undefined)
      problems.push(`${where}, but job ${sourceId}, which decides its stacks, names an environment too`);
    const stepOutput = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.(\w+)\s*\}\}$/.exec(textOf(sourceJob.outputs?.[output]));
    const step = stepOutput === null ? undefined : stepsOf(sourceJob).find((s) => s.id === stepOutput[1]);
    const call =
      step === undefined || stepOutput?.[2] !== output
        ? undefined
        : readyStacksCalls(step).find((c) => c.output === output);
    if (call === undefined) {
      problems.push(`${where}, but job ${sourceId} does not compute outputs.${output} with ${READY_STACKS_COMMAND}`);
      continue;
    }
    if (permissionsOf(sourceJob).actions !== "read")
      problems.push(`job ${sourceId} reads GitHub Environments without permissions: actions: read`);
    if (!/^\$\{\{\s*steps\.[\w-]+\.outputs\.\w+\s*\}\}$/.test(textOf(step?.env?.[call.variable])))
      problems.push(
        `job ${sourceId} gives ${READY_STACKS_COMMAND} $${call.variable}, which is not a step's stack list`,
      );
    const template = environment.replace(/\$\{\{\s*matrix\.stack\s*\}\}/g, "{stack}");
    if (!call.environments.includes(template))
      problems.push(
        `${where}, which ${READY_STACKS_COMMAND} ${output} does not check (it checks ${call.environments.join(", ")})`,
      );
    if (!textOf(job.if).includes(`needs.${sourceId}.outputs.${output} != '[]'`))
      problems.push(
        `job ${id} must be skipped when no stack is ready: if: needs.${sourceId}.outputs.${output} != '[]'`,
      );
  }
  return problems;
}

/**
 * `pulumi up` runs once per stack, in its own GitHub Environment named after the stack, preceded in
 * the same job by a preview with the policy pack, followed by the `deployed-commit` tag (drift.yml
 * reads it) and `npm run verify -- --stack "$STACK"` with the org-qualified name and a redirect URI.
 * Non-production stacks go one at a time in list order (dev first); production stacks after all of
 * them, each also previewed before by a read-only job the update needs.
 */
export function deployProblems(text: string, stacks: StackSet): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  const operations = pulumiOperations(workflow, stacks);
  const ups = operations.filter((operation) => operation.command === "up");
  for (const stack of stacks.all) {
    const count = ups.filter((up) => up.stack === stack).length;
    if (count !== 1) problems.push(`stack ${stack} is updated ${count} times, not once`);
  }
  const upJobs = new Set(ups.map((up) => up.job));
  for (const jobId of upJobs) {
    const job = workflow.jobs[jobId];
    const steps = stepsOf(job);
    const jobUps = ups.filter((up) => up.job === jobId);
    if (jobUps.length > 1 && job.strategy?.["max-parallel"] !== 1)
      problems.push(`job ${jobId} updates ${jobUps.length} stacks without max-parallel: 1, so not in order`);
    if (textOf(job.env?.STACK) !== QUALIFIED_STACK)
      problems.push(`job ${jobId} must set env STACK: ${QUALIFIED_STACK}`);
    const kinds = new Set(jobUps.map((up) => stacks.production.includes(up.stack)));
    if (kinds.size > 1) problems.push(`job ${jobId} updates production and non-production stacks together`);
    for (const up of jobUps) {
      if (up.environment !== up.stack)
        problems.push(`job ${jobId} updates ${up.stack} outside the GitHub Environment ${up.stack}`);
      const previewedFirst = operations.some(
        (o) => o.job === jobId && o.command === "preview" && o.stack === up.stack && o.stepIndex < up.stepIndex,
      );
      if (!previewedFirst)
        problems.push(`job ${jobId} runs up on ${up.stack} without a preview with the policy pack first`);
      const tag = stepAfter(
        steps,
        up.stepIndex,
        /^pulumi stack tag set deployed-commit "\$GITHUB_SHA" --stack "\$STACK"/,
      );
      if (tag === -1) problems.push(`job ${jobId} does not record the deployed commit after up`);
      const verify = stepAfter(steps, up.stepIndex, /(^|\n)npm run verify -- --stack "\$STACK"\n?$/);
      if (verify === -1) problems.push(`job ${jobId} does not run \`npm run verify -- --stack "$STACK"\` after up`);
      else if (textOf(steps[verify].env?.VERIFY_REDIRECT_URI) !== "${{ vars.VERIFY_REDIRECT_URI }}")
        problems.push(`job ${jobId} runs verify without VERIFY_REDIRECT_URI from the environment's variables`);
    }
  }
  for (const jobId of upJobs) problems.push(...updateGuardProblems(workflow, jobId));
  problems.push(...readinessProblems(text));
  // Order: the non-production updates in list order, dev first; production after every one of them.
  const nonProductionUps = ups.filter((up) => stacks.nonProduction.includes(up.stack)).map((up) => up.stack);
  if (nonProductionUps.join(",") !== stacks.nonProduction.join(","))
    problems.push(
      `non-production stacks are updated as ${nonProductionUps.join(", ")}, not ${stacks.nonProduction.join(", ")}`,
    );
  const nonProductionJobs = [
    ...new Set(ups.filter((up) => stacks.nonProduction.includes(up.stack)).map((up) => up.job)),
  ];
  for (const up of ups.filter((u) => stacks.production.includes(u.stack))) {
    const needs = needsOf(workflow.jobs[up.job]);
    for (const other of nonProductionJobs)
      if (!needs.includes(other))
        problems.push(`job ${up.job} updates ${up.stack} without needing the non-production job ${other}`);
    const approval = needs.find((other) => {
      const job = workflow.jobs[other];
      return (
        job !== undefined &&
        environmentOf(job) === undefined &&
        stepsOf(job).some((step) => /required_reviewers/.test(textOf(step.run)))
      );
    });
    if (approval === undefined)
      problems.push(`job ${up.job} updates ${up.stack} without a preflight that requires its environment's reviewers`);
    const readOnlyPreview = operations.find(
      (o) => o.command === "preview" && o.stack === up.stack && o.environment === `${up.stack}-preview`,
    );
    if (readOnlyPreview === undefined || !needs.includes(readOnlyPreview.job))
      problems.push(`job ${up.job} updates ${up.stack} without a read-only preview job before it, for the reviewers`);
  }
  return problems;
}

/**
 * The drift check runs on a schedule and previews every stack, refreshed, with expect-no-changes,
 * in its read-only `<stack>-preview` environment, at the commit the `deployed-commit` tag names.
 */
export function driftProblems(text: string, stacks: StackSet): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  const on = (workflow.on ?? {}) as Record<string, unknown>;
  if (!Array.isArray(on.schedule) || on.schedule.length === 0) problems.push("the drift check has no schedule");
  const operations = pulumiOperations(workflow, stacks);
  for (const operation of operations) {
    const where = `job ${operation.job} (${operation.command} of ${operation.stack})`;
    const steps = stepsOf(workflow.jobs[operation.job]);
    const step = steps[operation.stepIndex];
    if (operation.command !== "preview") problems.push(`${where}: the drift check only previews`);
    const expectsNoChanges =
      step.with?.["expect-no-changes"] === true || (cliOperation(step)?.args ?? []).includes("--expect-no-changes");
    if (!expectsNoChanges) problems.push(`${where} must set expect-no-changes: true`);
    if (operation.environment !== `${operation.stack}-preview`)
      problems.push(`${where} must use the read-only environment ${operation.stack}-preview, which needs no approval`);
    const readTag = steps.findIndex((s) => /pulumi stack tag ls --json --stack "\$STACK"/.test(textOf(s.run)));
    const checkout = steps.findIndex(
      (s, index) =>
        index > readTag &&
        usesAction(s, "actions/checkout") &&
        readTag !== -1 &&
        textOf(s.with?.ref) === `\${{ steps.${steps[readTag].id ?? "?"}.outputs.sha }}`,
    );
    const install = steps.findIndex((s) => /^npm ci\b/.test(textOf(s.run)));
    if (readTag === -1 || checkout === -1 || !(checkout < install && install < operation.stepIndex))
      problems.push(`${where} must check out the commit of the deployed-commit tag before npm ci and the preview`);
  }
  const checked = operations.map((o) => o.stack);
  for (const stack of stacks.all) if (!checked.includes(stack)) problems.push(`the drift check skips ${stack}`);
  return problems;
}

/**
 * A step that holds the Pulumi token before `npm ci` gives the CLI a throwaway PULUMI_HOME and
 * deletes it: the CLI saves the token in $PULUMI_HOME/credentials.json (pulumi/pulumi#16970), where
 * the install scripts of dependencies could read it.
 */
export function tokenBeforeInstallProblems(text: string): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const steps = stepsOf(job);
    const install = steps.findIndex((step) => /^npm ci\b/.test(textOf(step.run)));
    if (install === -1) continue;
    steps.slice(0, install).forEach((step, index) => {
      const env = { ...(job.env ?? {}), ...(step.env ?? {}) };
      if (env.PULUMI_ACCESS_TOKEN === undefined) return;
      const run = textOf(step.run);
      if (
        !/PULUMI_HOME="\$\(mktemp -d[^\n]*\)"\n\s*export PULUMI_HOME\n/.test(run) ||
        !run.includes(`trap 'rm -rf "$PULUMI_HOME"' EXIT`)
      )
        problems.push(
          `job ${id}, step ${index + 1} holds the Pulumi token before npm ci without a throwaway PULUMI_HOME it deletes`,
        );
    });
  }
  return problems;
}
