import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
  AnalyzeDiagnostic,
  AnalyzeRequest,
  AnalyzerInfo,
  AnalyzerResource,
  AnalyzerResourceOptions,
  AnalyzeResponse,
  AnalyzeStackRequest,
  EnforcementLevel,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { policies, TYPES } from "../../policy/policies";
import { announcedPort } from "../support/announced-port";
import { IN_TOKEN_PROXY, UNKNOWN_STRING, urnOf } from "./policy-harness";

/**
 * The pack started the way the Pulumi CLI starts a local Node.js policy pack
 * (`pulumi preview --policy-pack policy`): the analyzer plugin runs
 * @pulumi/pulumi/cmd/run-policy-pack in policy/, which compiles index.ts with ts-node and prints the
 * port of the pack's gRPC server. The engine's calls are then made here, over gRPC.
 */

const PACK_DIR = path.resolve(__dirname, "../../policy");
const RUN_POLICY_PACK = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");

let pack: ChildProcess;
let client: AnalyzerClient;
async function startPack(): Promise<number> {
  // The engine address is not contacted by the pack; the CLI passes its own.
  pack = spawn(process.execPath, [RUN_POLICY_PACK, "127.0.0.1:1", "."], {
    cwd: PACK_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return (await announcedPort(pack, "The policy pack")).port;
}

function call<Req, Res>(
  method: (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown,
  request: Req,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

function resourceOptions(protect: boolean): AnalyzerResourceOptions {
  return new AnalyzerResourceOptions()
    .setProtect(protect)
    .setIgnorechangesList([])
    .setAliasesList([])
    .setAdditionalsecretoutputsList([]);
}

function analyzeRequest(
  type: string,
  name: string,
  props: Record<string, unknown>,
  parentTypes: string[] = [],
  protect = false,
): AnalyzeRequest {
  return new AnalyzeRequest()
    .setType(type)
    .setName(name)
    .setUrn(urnOf(type, name, parentTypes))
    .setProperties(Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]))
    .setOptions(resourceOptions(protect));
}

function stackResource(
  type: string,
  name: string,
  props: Record<string, unknown>,
  parentTypes: string[] = [],
): AnalyzerResource {
  return new AnalyzerResource()
    .setType(type)
    .setName(name)
    .setUrn(urnOf(type, name, parentTypes))
    .setProperties(Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]))
    .setOptions(resourceOptions(false));
}

function summary(response: AnalyzeResponse) {
  return response.getDiagnosticsList().map((d: AnalyzeDiagnostic) => ({
    policy: d.getPolicyname(),
    level: d.getEnforcementlevel(),
    message: d.getMessage(),
  }));
}

beforeAll(async () => {
  const port = await startPack();
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 60_000);

afterAll(() => {
  client?.close();
  pack?.kill();
});

describe("the policy pack as the Pulumi CLI runs it", () => {
  it("has the files the CLI and @pulumi/policy read: PulumiPolicy.yaml with runtime nodejs, a versioned package.json, index.ts", () => {
    expect(fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    const manifest = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")) as {
      version?: string;
      main?: string;
    };
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(fs.existsSync(path.join(PACK_DIR, manifest.main ?? "index.js"))).toBe(true);
  });

  it("starts, and describes itself as tiktok-auth0 with every policy mandatory", async () => {
    const info = await call<Empty, AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
    expect(info.getName()).toBe("tiktok-auth0");
    // The release's version: the pack is released with the component and the stack.
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8")) as {
      version: string;
    };
    expect(info.getVersion()).toBe(version);
    const described = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]);
    expect(described).toEqual(policies.map((p) => [p.name, EnforcementLevel.MANDATORY]));
  });

  it("blocks a connection that still uses the TikTok v1 authorize URL", async () => {
    const request = analyzeRequest(
      TYPES.auth0Connection,
      "tiktok-connection",
      {
        strategy: "oauth2",
        options: {
          authorizationEndpoint: "https://www.tiktok.com/auth/authorize/",
          clientId: "awkey",
          clientSecret: "a-real-looking-secret-123",
        },
      },
      [],
      true,
    );
    const response = await call<AnalyzeRequest, AnalyzeResponse>(client.analyze.bind(client), request);
    expect(summary(response)).toEqual([
      {
        policy: "no-tiktok-v1-endpoints",
        level: EnforcementLevel.MANDATORY,
        message: expect.stringContaining("options.authorizationEndpoint"),
      },
    ]);
  });

  describe("reads the protect option the engine sends with each resource", () => {
    const v2Connection = {
      strategy: "oauth2",
      options: {
        authorizationEndpoint: "https://www.tiktok.com/v2/auth/authorize/",
        clientId: "awkey",
        clientSecret: "a-real-looking-secret-123",
      },
    };

    it("lets a protected connection through", async () => {
      const request = analyzeRequest(TYPES.auth0Connection, "tiktok-connection", v2Connection, [], true);
      expect(summary(await call<AnalyzeRequest, AnalyzeResponse>(client.analyze.bind(client), request))).toEqual([]);
    });

    it("blocks an unprotected connection, whose deletion or replacement would delete its users", async () => {
      const request = analyzeRequest(TYPES.auth0Connection, "tiktok-connection", v2Connection, [], false);
      expect(summary(await call<AnalyzeRequest, AnalyzeResponse>(client.analyze.bind(client), request))).toEqual([
        {
          policy: "auth0-connection-is-protected",
          level: EnforcementLevel.MANDATORY,
          message: expect.stringContaining('The Auth0 connection "tiktok-connection" is not protected'),
        },
      ]);
    });
  });

  it("lets the token proxy's own public function URL through", async () => {
    const request = analyzeRequest(
      TYPES.functionUrl,
      "token-proxy-url",
      { functionName: "f", authorizationType: "NONE" },
      IN_TOKEN_PROXY,
    );
    expect(summary(await call<AnalyzeRequest, AnalyzeResponse>(client.analyze.bind(client), request))).toEqual([]);
  });

  it("defers a policy that reads a value unknown during preview, as an advisory, instead of failing the preview", async () => {
    const request = analyzeRequest(
      TYPES.iamRolePolicy,
      "token-proxy-logs",
      { role: "r", policy: UNKNOWN_STRING },
      IN_TOKEN_PROXY,
    );
    expect(summary(await call<AnalyzeRequest, AnalyzeResponse>(client.analyze.bind(client), request))).toEqual([
      {
        policy: "no-wildcard-iam",
        level: EnforcementLevel.ADVISORY,
        message: expect.stringMatching(/can't run policy 'no-wildcard-iam'.*during preview/),
      },
    ]);
  });

  it("runs the stack policies over the whole stack: a public URL with no connection sending x-proxy-secret is blocked", async () => {
    const request = new AnalyzeStackRequest().setResourcesList([
      stackResource(
        TYPES.lambdaFunction,
        "token-proxy-function",
        { name: "f", runtime: "nodejs22.x", environment: { variables: { PROXY_SHARED_SECRET: "s".repeat(48) } } },
        IN_TOKEN_PROXY,
      ),
      stackResource(
        TYPES.functionUrl,
        "token-proxy-url",
        { functionName: "f", authorizationType: "NONE" },
        IN_TOKEN_PROXY,
      ),
    ]);
    expect(
      summary(await call<AnalyzeStackRequest, AnalyzeResponse>(client.analyzeStack.bind(client), request)),
    ).toEqual([
      {
        policy: "public-token-proxy-requires-shared-secret",
        level: EnforcementLevel.MANDATORY,
        message: expect.stringContaining("x-proxy-secret"),
      },
    ]);
  });
});
