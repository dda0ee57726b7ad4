/**
 * The built Lambda bundle under AWS's own runtime interface client (`aws-lambda-ric`), on each
 * Node release the stack deploys, fed by a Runtime API on loopback. What this proves that the
 * unit suites cannot: the handler loads and answers as Lambda's runtime calls it, and every log
 * line comes out as Lambda's JSON log format, with a level and the invocation's requestId.
 *
 * Run with `npm run test:lambda-runtime` (not part of `npm test`): npx fetches the client and the
 * Node builds at the versions pinned in package.json ("config"); the client's install compiles a
 * native addon (cmake, make, g++ and Node headers). See docs/lambda-runtime.md.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { buildProxyBundle, PROXY_DIST_DIR, REPO_ROOT } from "../../scripts/proxy-bundle";
import { startTikTokEmulator, TikTokEmulator } from "../support/tiktok-emulator";
import { Invocation, RuntimeApi, startRuntimeApi } from "./runtime-api";

interface PinnedVersions {
  nodeVersions: string;
  awsLambdaRic: string;
}
const pins = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { config: PinnedVersions })
  .config;
const NODE_VERSIONS = pins.nodeVersions.split(/\s+/).filter(Boolean);

const CLIENT_KEY = "awruntimekey";
const CLIENT_SECRET = "runtime-client-secret-0123456789";
const SHARED_SECRET = "runtime-shared-secret-0123456789abcdef";
const REDIRECT_URI = "https://tenant.example.auth0.com/login/callback";
const TIMEOUT_MS = 400;

let tiktok: TikTokEmulator;
let ricEntry: string;

beforeAll(async () => {
  buildProxyBundle();
  tiktok = await startTikTokEmulator({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
  });
  // Installed once (the native addon is an N-API build, the same for every Node release), then
  // started under each Node release below.
  ricEntry = execFileSync(
    "npx",
    ["-y", "-p", `aws-lambda-ric@${pins.awsLambdaRic}`, "--", "sh", "-c", 'readlink -f "$(command -v aws-lambda-ric)"'],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  ).trim();
});
afterAll(() => tiktok?.close());

/** One JSON log line as Lambda's JSON log format writes it. */
interface LambdaLogLine {
  timestamp: string;
  level: string;
  requestId: string;
  message: unknown;
}

interface Runtime {
  api: RuntimeApi;
  nodeVersion(): string | undefined;
  /** Every stdout line after the version line, parsed; a line that is not JSON fails the test. */
  lines(): LambdaLogLine[];
  stderr(): string;
  stop(): Promise<void>;
}

/** The npm_config_* variables npm passes to scripts, and nothing else of this process's environment. */
function npmSettings(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0].startsWith("npm_config_") && entry[1] !== undefined,
    ),
  );
}

async function startRuntime(nodeVersion: string, logLevel: string): Promise<Runtime> {
  const api = await startRuntimeApi();
  const child: ChildProcess = spawn(
    "npx",
    ["-y", "-p", `node@${nodeVersion}`, "--", "sh", "-c", 'node --version && exec node "$RIC_ENTRY" index.handler'],
    {
      cwd: PROXY_DIST_DIR,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        // npx needs npm's settings (cache, CA file from the global npmrc): without them it spends a
        // minute retrying the registry before it settles for its cache. Lambda's variables follow.
        ...npmSettings(),
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        RIC_ENTRY: ricEntry,
        // What Lambda sets for the runtime client.
        AWS_LAMBDA_RUNTIME_API: api.address,
        _HANDLER: "index.handler",
        LAMBDA_TASK_ROOT: PROXY_DIST_DIR,
        AWS_LAMBDA_FUNCTION_NAME: "tiktok-auth0-test-token-proxy",
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
        AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/tiktok-auth0-test-token-proxy",
        AWS_LAMBDA_LOG_STREAM_NAME: "2026/11/25/[$LATEST]0123456789abcdef",
        AWS_LAMBDA_LOG_FORMAT: "JSON",
        AWS_LAMBDA_LOG_LEVEL: logLevel,
        // The function's own environment, as the TokenProxy component sets it.
        TIKTOK_TOKEN_URL: tiktok.tokenUrl,
        TIKTOK_CLIENT_KEY: CLIENT_KEY,
        PROXY_SHARED_SECRET: SHARED_SECRET,
        TIKTOK_TIMEOUT_MS: String(TIMEOUT_MS),
      },
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const rawLines = () => stdout.split("\n").filter((line) => line !== "");
  return {
    api,
    nodeVersion: () => rawLines()[0],
    lines: () =>
      rawLines()
        .slice(1)
        .map((line) => {
          try {
            return JSON.parse(line) as LambdaLogLine;
          } catch {
            throw new Error(`a log line is not JSON: ${line}`);
          }
        }),
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        process.kill(-(child.pid as number), "SIGTERM");
        await exited;
      }
      await api.close();
    },
  };
}

/** A function URL event (payload format 2.0) as AWS delivers it. */
function functionUrlEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/proxy/token",
    rawQueryString: "",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-proxy-secret": SHARED_SECRET,
      host: "abc123.lambda-url.us-east-1.on.aws",
    },
    requestContext: {
      accountId: "anonymous",
      apiId: "abc123",
      domainName: "abc123.lambda-url.us-east-1.on.aws",
      domainPrefix: "abc123",
      http: { method: "POST", path: "/proxy/token", protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "Auth0" },
      requestId: "a7b6c5d4-0000-0000-0000-000000000000",
      routeKey: "$default",
      stage: "$default",
      time: "25/Nov/2026:12:00:00 +0000",
      timeEpoch: 1795608000000,
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: tiktok.issueCode(),
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_KEY,
      client_secret: CLIENT_SECRET,
    }).toString(),
    isBase64Encoded: false,
    ...overrides,
  };
}

interface Answered {
  invocation: Invocation;
  status: number;
  body: Record<string, unknown>;
  /** The log lines carrying this invocation's requestId. */
  lines: LambdaLogLine[];
}

/** The requestId of every invocation made, so each log line can be traced to one of them. */
const invokedRequestIds = new Set<string>();

async function invoke(runtime: Runtime, event: unknown, expectLine = true): Promise<Answered> {
  const invocation = await runtime.api.invoke(event);
  invokedRequestIds.add(invocation.requestId);
  expect(invocation.kind).toBe("response");
  const result = invocation.payload as { statusCode: number; body: string; isBase64Encoded: boolean };
  // The line is written before the answer is posted, but reaches us through a pipe.
  const until = Date.now() + 2000;
  let lines = runtime.lines().filter((line) => line.requestId === invocation.requestId);
  while (expectLine && lines.length === 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    lines = runtime.lines().filter((line) => line.requestId === invocation.requestId);
  }
  return { invocation, status: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown>, lines };
}

function expectOneLine(answered: Answered, level: string, message: Record<string, unknown>): void {
  expect(answered.lines).toHaveLength(1);
  const [line] = answered.lines;
  expect(line.level).toBe(level);
  expect(Number.isNaN(Date.parse(line.timestamp))).toBe(false);
  // The entry stays an object under `message`, which Logs Insights reads as message.outcome etc.
  expect(line.message).toEqual(expect.objectContaining({ msg: "token_request", ...message }));
}

describe.each(NODE_VERSIONS)("the bundle under aws-lambda-ric on Node %s", (nodeVersion) => {
  let runtime: Runtime;
  beforeAll(async () => {
    // INFO: the applicationLogLevel the TokenProxy component deploys.
    runtime = await startRuntime(nodeVersion, "INFO");
  });
  afterAll(() => runtime?.stop());
  afterEach(() => tiktok.setTokenFault({ kind: "none" }));

  it("runs on that Node release", async () => {
    await invoke(runtime, functionUrlEvent());
    expect(runtime.nodeVersion()).toBe(`v${nodeVersion}`);
    expect(runtime.api.initErrors).toEqual([]);
  });

  it("exchanges a code: 200 with TikTok's token, logged at INFO with the invocation's requestId", async () => {
    const answered = await invoke(runtime, functionUrlEvent());
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ access_token: expect.any(String), token_type: "Bearer" });
    expectOneLine(answered, "INFO", { outcome: "ok", status: 200, grant_type: "authorization_code" });
  });

  it("refuses a caller without the shared secret: 401, logged at WARN", async () => {
    const event = functionUrlEvent({ headers: { "content-type": "application/x-www-form-urlencoded" } });
    const answered = await invoke(runtime, event);
    expect(answered.status).toBe(401);
    expectOneLine(answered, "WARN", { outcome: "rejected", error: "invalid_client" });
  });

  it("passes on TikTok's refusal of a reused code: 400 invalid_grant, logged at WARN", async () => {
    const event = functionUrlEvent();
    expect((await invoke(runtime, event)).status).toBe(200);
    const answered = await invoke(runtime, event);
    expect(answered.status).toBe(400);
    expectOneLine(answered, "WARN", { outcome: "tiktok_error", error: "invalid_grant", upstream_status: 200 });
  });

  it("answers 504 when TikTok misses the deadline, logged at ERROR", async () => {
    tiktok.setTokenFault({ kind: "slow", delayMs: TIMEOUT_MS + 600 });
    const answered = await invoke(runtime, functionUrlEvent());
    expect(answered.status).toBe(504);
    expectOneLine(answered, "ERROR", { outcome: "upstream_timeout", error: "temporarily_unavailable" });
  });

  it("answers a base64 body of a few MiB with 413, without an error report", async () => {
    const body = Buffer.alloc(4 * 1024 * 1024, "x").toString("base64");
    const answered = await invoke(runtime, functionUrlEvent({ body, isBase64Encoded: true }));
    expect(answered.status).toBe(413);
    expectOneLine(answered, "WARN", { outcome: "rejected", status: 413 });
  });

  it.each<[string, Record<string, unknown>]>([
    ["headers: null", { headers: null }],
    ["no requestContext", { requestContext: undefined }],
    ["a body that is an object", { body: { grant_type: "authorization_code" } }],
  ])("answers an event with %s with 400, without an error report", async (_label, overrides) => {
    const answered = await invoke(runtime, functionUrlEvent(overrides));
    expect(answered.status).toBe(400);
    expectOneLine(answered, "WARN", { outcome: "rejected", error: "invalid_request" });
  });

  it("writes nothing but JSON lines with a level and a requestId of one of its invocations", () => {
    const lines = runtime.lines();
    expect(lines.length).toBeGreaterThanOrEqual(9);
    for (const line of lines) {
      expect(["INFO", "WARN", "ERROR"]).toContain(line.level);
      expect(invokedRequestIds).toContain(line.requestId);
    }
    expect(runtime.stderr()).toBe("");
  });
});

describe.each(NODE_VERSIONS)("log-level filtering under aws-lambda-ric on Node %s", (nodeVersion) => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await startRuntime(nodeVersion, "WARN");
  });
  afterAll(() => runtime?.stop());

  it("drops successes and keeps every failure when the level is raised to WARN", async () => {
    const success = await invoke(runtime, functionUrlEvent(), false);
    const refused = await invoke(runtime, functionUrlEvent({ headers: {} }));
    expect(success.status).toBe(200);
    expect(refused.status).toBe(401);
    expectOneLine(refused, "WARN", { outcome: "rejected" });
    // Lines come through one pipe in order: once the refusal's line is here, the success's would be too.
    expect(runtime.lines().filter((line) => line.requestId === success.invocation.requestId)).toEqual([]);
  });
});
