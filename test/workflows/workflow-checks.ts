import { parseYaml } from "./yaml";

/**
 * Checks of this repository's GitHub Actions rules that actionlint does not make. Each takes a
 * workflow's text and returns problems as sentences (empty: none), so tests can feed them both the
 * real workflows and deliberately broken ones.
 */

export interface Step {
  name?: string;
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
  strategy?: { matrix?: Record<string, unknown> };
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

export interface PulumiOperation {
  job: string;
  stack: string;
  command: string;
  stepIndex: number;
}

function matrixValues(job: Job, key: string): string[] {
  const values = job.strategy?.matrix?.[key];
  return Array.isArray(values) ? values.map(String) : [];
}

/** A YAML scalar as text; "" for anything else, which no check below accepts. */
function textOf(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "";
}

/** Replaces `${{ matrix.<key> }}` with the value. */
function substitute(text: string, key: string, value: string): string {
  return text.replace(new RegExp(`\\$\\{\\{\\s*matrix\\.${key}\\s*\\}\\}`, "g"), value);
}

/** Every pulumi/actions preview or up, once per stack (matrix expanded). */
export function pulumiOperations(workflow: Workflow): PulumiOperation[] {
  const operations: PulumiOperation[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    stepsOf(job).forEach((step, stepIndex) => {
      if (!usesAction(step, "pulumi/actions")) return;
      const command = textOf(step.with?.command);
      const stackName = textOf(step.with?.["stack-name"]);
      const stacks = /matrix\.stack/.test(stackName)
        ? matrixValues(job, "stack").map((s) => substitute(stackName, "stack", s))
        : [stackName];
      for (const stack of stacks)
        operations.push({ job: id, stack: stack.split("/").pop() ?? stack, command, stepIndex });
    });
  }
  return operations;
}

/**
 * Each job that runs preview or up on a stack holds the concurrency group `pulumi-<stack>` (the
 * same in every workflow, so previews and updates of one stack never overlap), never cancels a
 * running one, and queues instead of dropping pending ones.
 */
export function concurrencyProblems(text: string): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  for (const operation of pulumiOperations(workflow)) {
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
 * Every pulumi/actions step names `<org>/<stack>` with the org from vars.PULUMI_ORG, runs the policy
 * pack, runs after `npm ci` (the program and the pack need node_modules), and previews comment on
 * the pull request when the workflow runs for one.
 */
export function pulumiStepProblems(text: string): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const steps = stepsOf(job);
    steps.forEach((step, index) => {
      if (!usesAction(step, "pulumi/actions")) return;
      const where = `job ${id}, step ${index + 1}`;
      if (!["preview", "up"].includes(textOf(step.with?.command)))
        problems.push(`${where} runs ${textOf(step.with?.command)}; only preview and up belong in CI`);
      if (
        !/^\$\{\{\s*vars\.PULUMI_ORG\s*\}\}\/(\$\{\{\s*matrix\.stack\s*\}\}|[A-Za-z0-9_.-]+)$/.test(
          textOf(step.with?.["stack-name"]),
        )
      ) {
        problems.push(`${where} must name its stack as \${{ vars.PULUMI_ORG }}/<stack>`);
      }
      if (step.with?.policyPacks !== "policy") problems.push(`${where} must run the policy pack (policyPacks: policy)`);
      if (!steps.slice(0, index).some((earlier) => /^npm ci\b/.test(String(earlier.run ?? ""))))
        problems.push(`${where} runs before npm ci`);
      const env = { ...(job.env ?? {}), ...(step.env ?? {}) };
      if (!textOf(env.PULUMI_ACCESS_TOKEN).includes("secrets.PULUMI_ACCESS_TOKEN")) {
        problems.push(`${where} gets no PULUMI_ACCESS_TOKEN from secrets`);
      }
      for (const name of ["AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"]) {
        if (!textOf(env[name]).includes(`secrets.${name}`)) problems.push(`${where} gets no ${name} from secrets`);
      }
    });
  }
  return problems;
}

function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : ([] as string[]).concat(job.needs);
}

function environmentOf(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

/**
 * `pulumi up` runs per stack in its own GitHub Environment named after the stack, is preceded in
 * the same job by a preview with the policy pack and followed by `npm run verify -- --stack <stack>`,
 * and prod only runs after dev succeeded.
 */
export function deployProblems(text: string): string[] {
  const workflow = parseWorkflow(text);
  const problems: string[] = [];
  const ups = pulumiOperations(workflow).filter((operation) => operation.command === "up");
  for (const up of ups) {
    const job = workflow.jobs[up.job];
    const steps = stepsOf(job);
    if (environmentOf(job) !== up.stack)
      problems.push(`job ${up.job} updates ${up.stack} outside the GitHub Environment ${up.stack}`);
    const previewedFirst = pulumiOperations(workflow).some(
      (o) => o.job === up.job && o.command === "preview" && o.stack === up.stack && o.stepIndex < up.stepIndex,
    );
    if (!previewedFirst)
      problems.push(`job ${up.job} runs up on ${up.stack} without a preview with the policy pack first`);
    const verifies = steps
      .slice(up.stepIndex + 1)
      .some((step) => String(step.run ?? "").trim() === `npm run verify -- --stack ${up.stack}`);
    if (!verifies) problems.push(`job ${up.job} does not run \`npm run verify -- --stack ${up.stack}\` after up`);
  }
  const devJob = ups.find((up) => up.stack === "dev")?.job;
  for (const prod of ups.filter((up) => up.stack === "prod")) {
    if (devJob === undefined || !needsOf(workflow.jobs[prod.job]).includes(devJob)) {
      problems.push(`job ${prod.job} updates prod without needing the dev update job`);
    }
  }
  return problems;
}
