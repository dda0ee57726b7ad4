import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

/**
 * `pulumi up` does not run the program through jest: its Node.js language host compiles it with
 * the project's typescript and ts-node, type-checked, from Pulumi.yaml's `main`. The harness does
 * the same in a fresh process (see support/pulumi-host-harness.js), so a program that only
 * compiles under ts-jest (which skips type checking here) fails this test.
 */

const HARNESS = path.join(__dirname, "support", "pulumi-host-harness.js");
const execFileAsync = promisify(execFile);

interface HarnessResult {
  types: string[];
  outputs: Record<string, unknown>;
}

/**
 * Settings that would change how ts-node compiles, removed so the child sees what the CLI would; and
 * AUTH0_DOMAIN, which the program compares with auth0:domain, so the developer's shell cannot decide.
 */
function hostEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("TS_NODE_") && name !== "AUTH0_DOMAIN"),
  );
}

async function runHarness(
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [HARNESS, ...args], {
      env: { ...hostEnvironment(), ...env },
      timeout: 60_000,
      maxBuffer: 10 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === "number" ? failed.code : -1,
      stdout: failed.stdout ?? "",
      stderr: failed.stderr ?? "",
    };
  }
}

it("loads infra/ from Pulumi.yaml's main with type-checked ts-node and registers the whole stack", async () => {
  const { code, stdout, stderr } = await runHarness();
  // On failure, show what the host would have printed (a TSError names file, line and TS code).
  expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
  const result = JSON.parse(stdout) as HarnessResult;
  expect([...new Set(result.types)].sort()).toEqual(
    [
      "tiktok-auth0:index:TokenProxy",
      "tiktok-auth0:index:TikTokConnection",
      "tiktok-auth0:index:TikTokLogin",
      "tiktok-auth0:index:ProxyMonitoring",
      "random:index/randomPassword:RandomPassword",
      "random:index/randomId:RandomId",
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
      "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
      "aws:cloudwatch/logGroup:LogGroup",
      "aws:lambda/function:Function",
      "aws:lambda/functionUrl:FunctionUrl",
      "aws:lambda/permission:Permission",
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "aws:cloudwatch/dashboard:Dashboard",
      "auth0:index/connection:Connection",
      "auth0:index/connectionClients:ConnectionClients",
    ].sort(),
  );
  expect(result.outputs.tokenUrl).toBe("https://harness.lambda-url.eu-west-1.on.aws/proxy/token");
  expect(result.outputs.functionName).toBe("tiktok-auth0-harness-token-proxy");
}, 60_000);

it("fails, as the CLI would, on a program with a type error", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-host-harness-"));
  try {
    fs.writeFileSync(path.join(dir, "index.ts"), 'const count: number = "not a number";\nexport const out = count;\n');
    const { code, stderr } = await runHarness([dir]);
    expect(code).toBe(1);
    expect(stderr).toContain("TS2322");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

it("reports a configuration mistake as the CLI prints a pulumi.RunError: the message alone, no stack trace", async () => {
  const { code, stdout, stderr } = await runHarness([], {
    HARNESS_CONFIG: JSON.stringify({
      "auth0:domain": "your-tenant.us.auth0.com",
      "tiktok-auth0:tiktokClientKey": "awharnesskey",
    }),
  });
  expect({ code, stdout }).toEqual({ code: 1, stdout: "" });
  expect(stderr).toBe(
    "The stack configuration has 2 problems:\n" +
      "  - tiktok-auth0:tiktokClientSecret is required: run `pulumi config set --secret tiktokClientSecret <client secret from TikTok for Developers>`.\n" +
      "  - auth0:domain is still the example tenant your-tenant.us.auth0.com that the example stack files ship with: run `pulumi config set auth0:domain <tenant>.<region>.auth0.com` (Auth0 dashboard > Settings > Domain).\n",
  );
}, 60_000);
