import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FakeAuth0, startFakeAuth0Authorize } from "../support/fake-auth0-authorize";
import { FakePulumi, FakeStack, installFakePulumi, pathWithOnly } from "../support/fake-pulumi-cli";
import { RunningProxy, startProxy } from "../support/proxy-harness";
import { runNpmScript, ScriptRun } from "../support/run-npm-script";
import { startTikTokEmulator, TikTokEmulator } from "../support/tiktok-emulator";

/**
 * `npm run verify -- --stack <name>` as a user runs it: a child process that reads the stack through
 * a fake `pulumi` first on PATH, then checks local stand-ins of the deployment it describes.
 */

const CLIENT_KEY = "awcliclientkey";
const CLIENT_SECRET = "cli-tiktok-client-secret";
const SHARED_SECRET = "CliSharedSecret0123456789abcdefghijklmnopqrstu";
const APP_CLIENT_ID = "cliAppClientId";
const APP_CALLBACK = "https://app.example.com/callback";
const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Org-qualified, as CI names it: `<org>/<project>/<stack>` from vars.PULUMI_ORG. */
const STACK = "acme-org/tiktok-auth0/ci";

let tiktok: TikTokEmulator;
let proxy: RunningProxy;
let auth0: FakeAuth0;
let tempDir: string;
let healthyPulumi: FakePulumi;
let runs: { healthy: ScriptRun; wrongSecret: ScriptRun; unknownStack: ScriptRun; noPulumi: ScriptRun };

/** The stack as the CLI prints it, pointing at the stand-ins (auth0:domain may be a URL for a local stand-in). */
function fakeStack(clientSecret: string): FakeStack {
  return {
    name: STACK,
    outputs: { tokenUrl: `${proxy.serverUrl}/proxy/token`, connectionName: "TikTok", proxySharedSecret: SHARED_SECRET },
    config: {
      "auth0:domain": { value: auth0.baseUrl, secret: false, object: false },
      "tiktok-auth0:enabledClients": {
        value: JSON.stringify([APP_CLIENT_ID]),
        secret: false,
        object: true,
        objectValue: [APP_CLIENT_ID],
      },
      "tiktok-auth0:tiktokClientKey": { value: CLIENT_KEY, secret: false, object: false },
      "tiktok-auth0:tiktokClientSecret": { value: clientSecret, secret: true, object: false },
    },
  };
}

/** The user's environment, minus anything that would change what verify reads. */
function environment(pathValue: string): NodeJS.ProcessEnv {
  const { VERIFY_REDIRECT_URI: _uri, AUTH0_DOMAIN: _domain, ...rest } = process.env;
  return { ...rest, PATH: pathValue };
}

beforeAll(async () => {
  tiktok = await startTikTokEmulator({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, redirectUris: [] });
  proxy = await startProxy({
    TIKTOK_TOKEN_URL: tiktok.tokenUrl,
    TIKTOK_CLIENT_KEY: CLIENT_KEY,
    PROXY_SHARED_SECRET: SHARED_SECRET,
  });
  auth0 = await startFakeAuth0Authorize({
    connectionName: "TikTok",
    clientId: APP_CLIENT_ID,
    allowedCallbacks: [APP_CALLBACK],
    tiktokClientKey: CLIENT_KEY,
    scopes: ["user.info.basic"],
  });
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-cli-"));
  healthyPulumi = installFakePulumi(path.join(tempDir, "healthy"), fakeStack(CLIENT_SECRET));
  const wrongSecretPulumi = installFakePulumi(path.join(tempDir, "wrong-secret"), fakeStack("a-wrong-client-secret"));
  const withFake = (fake: FakePulumi) => environment(`${fake.binDir}${path.delimiter}${process.env.PATH ?? ""}`);
  const verify = ["--stack", STACK, "--redirect-uri", APP_CALLBACK];

  // In parallel: each run starts its own ts-node.
  const [healthy, wrongSecret, unknownStack, noPulumi] = await Promise.all([
    runNpmScript("verify", verify, { env: withFake(healthyPulumi) }),
    runNpmScript("verify", verify, { env: withFake(wrongSecretPulumi) }),
    runNpmScript("verify", ["--stack", "acme-org/tiktok-auth0/nope"], { env: withFake(healthyPulumi) }),
    runNpmScript("verify", verify, { env: environment(pathWithOnly(tempDir, ["node", "npm", "sh"])) }),
  ]);
  runs = { healthy, wrongSecret, unknownStack, noPulumi };
}, 30_000);

afterAll(async () => {
  await Promise.all([proxy?.close(), auth0?.close(), tiktok?.close()]);
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
});

describe("npm run verify against a healthy stack", () => {
  it("prints a PASS line for each of the three checks and exits 0", () => {
    expect(runs.healthy).toMatchObject({ code: 0, stderr: "" });
    const checks = runs.healthy.stdout.split("\n").filter((line) => /^(PASS|FAIL|SKIP) /.test(line));
    expect(checks).toEqual([
      expect.stringMatching(/^PASS {2}1\. /),
      expect.stringMatching(/^PASS {2}2\. /),
      expect.stringMatching(/^PASS {2}3\. /),
    ]);
    expect(runs.healthy.stdout).toContain("3 passed, 0 failed, 0 skipped");
  });

  it("reads the stack with pulumi stack output and pulumi config, secrets shown, in the project directory", () => {
    const calls = healthyPulumi.calls().filter((call) => call.args.includes(STACK));
    expect(calls.map((call) => call.args.slice(0, call.args[0] === "stack" ? 2 : 1).join(" ")).sort()).toEqual([
      "config",
      "stack output",
    ]);
    for (const call of calls) {
      expect(call.args).toEqual(expect.arrayContaining(["--json", "--show-secrets", "--stack", STACK]));
      expect(call.cwd).toBe(REPO_ROOT);
    }
  });

  it("prints neither the shared secret nor the client secret", () => {
    const output = runs.healthy.stdout + runs.healthy.stderr;
    expect(output).not.toContain(SHARED_SECRET);
    expect(output).not.toContain(CLIENT_SECRET);
  });
});

describe("npm run verify against a stack with a wrong client secret", () => {
  it("prints the token check as FAIL with its fix hint, and exits 1", () => {
    expect(runs.wrongSecret.code).toBe(1);
    expect(runs.wrongSecret.stdout).toMatch(/^FAIL {2}2\. .*invalid_client.*\n {6}fix: .*tiktokClientSecret/m);
    expect(runs.wrongSecret.stdout).toContain("2 passed, 1 failed, 0 skipped");
    expect(runs.wrongSecret.stdout).not.toContain("a-wrong-client-secret");
  });
});

describe("npm run verify when it cannot read the stack", () => {
  it("says the stack does not exist and how to list stacks, and exits 1", () => {
    expect(runs.unknownStack.code).toBe(1);
    expect(runs.unknownStack.stderr).toMatch(/Stack "acme-org\/tiktok-auth0\/nope" does not exist .*pulumi stack ls/);
    expect(runs.unknownStack.stdout).toBe("");
  });

  it("says the Pulumi CLI is not on PATH and how to install it, and exits 1", () => {
    expect(runs.noPulumi.code).toBe(1);
    expect(runs.noPulumi.stderr).toMatch(/The Pulumi CLI \(`pulumi`\) is not on PATH\. Install it/);
    expect(runs.noPulumi.stdout).toBe("");
  });
});
