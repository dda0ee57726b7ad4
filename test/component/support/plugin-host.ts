import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { GetRootResourceResponse, LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { ConstructRequest, ConstructResponse, GetSchemaRequest } from "@pulumi/pulumi/proto/provider_pb";
import { ResourceMonitorService } from "@pulumi/pulumi/proto/resource_grpc_pb";
import { SupportsFeatureResponse } from "@pulumi/pulumi/proto/resource_pb";
import type { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { announcedPort } from "../../support/announced-port";
import { GET_CONNECTION, getConnectionAnswer, invokeFailure } from "../../support/mock-tenant";

export { GET_CONNECTION };

/**
 * The component package run the way the Pulumi CLI runs it, without the CLI: the Node.js language
 * host's RunPlugin starts `node @pulumi/pulumi/cmd/run-plugin <plugin dir> <engine address>` with the
 * caller's program directory as its working directory (pulumi-language-nodejs, RunPlugin), and
 * run-plugin compiles the plugin with ts-node under the tsconfig.json it finds there. The plugin
 * prints its port; the engine then calls it as a ResourceProvider. Here, this process is the engine:
 * it serves the Engine service (logs) and a ResourceMonitor backed by the SDK's MockMonitor, and
 * records every registration and invoke the plugin makes.
 */

export const COMPONENT_DIR = path.resolve(__dirname, "../../../component");
export const RUN_PLUGIN = require.resolve("@pulumi/pulumi/cmd/run-plugin");
export const PROJECT = "proj";
export const STACK = "dev";
const GET_REGION = "aws:index/getRegion:getRegion";
const REGION = "us-east-1";

export interface EngineLog {
  severity: string;
  message: string;
  urn: string;
}

/** One RegisterResourceRequest as the plugin sent it. */
export interface Registration {
  type: string;
  name: string;
  parent: string;
  protect: boolean;
  custom: boolean;
  provider: string;
  /** The object as serialized for the engine: secrets are still marked where they sit. */
  object: Record<string, unknown>;
}

export interface InvokeRecord {
  token: string;
  /** The provider reference (`<urn>::<id>`) the invoke was sent with; "" for the default provider. */
  provider: string;
  args: Record<string, unknown>;
}

/** What the mocked tenant answers to getConnection; changed between Constructs. */
export interface Tenant {
  /** Connections in the tenant, in the provider's result shape (id, name, strategy, options, …). */
  connections: Record<string, unknown>[];
  /** Set: every lookup fails with this message, as a provider refusing (403, network) would. */
  refuse?: string;
}

export interface FakeEngine {
  /** host:port, for run-plugin's engine argument and ConstructRequest.monitorEndpoint alike. */
  address: string;
  logs: EngineLog[];
  registrations: Registration[];
  invokes: InvokeRecord[];
  tenant: Tenant;
  /**
   * Makes a provider the caller declared known to the monitor, as the engine knows every resource of
   * the caller's stack: the plugin reads a provider reference's state (`pulumi:pulumi:getResource`).
   */
  addProvider(reference: string): void;
  close(): Promise<void>;
}

type Callback = grpc.sendUnaryData<unknown>;
type Call<T = unknown> = grpc.ServerUnaryCall<T, unknown>;

/** Starts the engine's side on 127.0.0.1: Engine and ResourceMonitor on one port. */
export async function startFakeEngine(): Promise<FakeEngine> {
  const engine: Omit<FakeEngine, "address" | "addProvider" | "close"> = {
    logs: [],
    registrations: [],
    invokes: [],
    tenant: { connections: [] },
  };
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: args.custom ? `${args.name}-id` : undefined, state: args.inputs }),
    call: (args) => {
      // The dashboard names the region its metrics are in.
      if (args.token === GET_REGION) return { id: REGION, name: REGION, region: REGION };
      if (args.token !== GET_CONNECTION) throw invokeFailure(`Mock call not implemented: ${args.token}`);
      const { tenant } = engine;
      if (tenant.refuse !== undefined) throw invokeFailure(tenant.refuse);
      return getConnectionAnswer(tenant.connections, args.inputs);
    },
  };
  // MockMonitor names URNs after the runtime's project and stack; setMocks sets them and builds it.
  await pulumi.runtime.setMocks(mocks, PROJECT, STACK);
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;

  const server = new grpc.Server();
  server.addService(ResourceMonitorService, {
    supportsFeature: (call: Call<{ getId(): string }>, callback: Callback) => {
      // MockMonitor answers with a plain object, which gRPC cannot serialize.
      callback(null, new SupportsFeatureResponse().setHassupport(call.request.getId() !== "outputValues"));
    },
    getDeploymentInfo: (call: Call, callback: Callback) => monitor.getDeploymentInfo(call.request, callback),
    registerPackage: (call: Call, callback: Callback) => monitor.registerPackage(call.request, callback),
    invoke: (
      call: Call<{ getTok(): string; getProvider(): string; getArgs(): Struct | undefined }>,
      callback: Callback,
    ) => {
      engine.invokes.push({
        token: call.request.getTok(),
        provider: call.request.getProvider(),
        args: call.request.getArgs()?.toJavaScript() ?? {},
      });
      void monitor.invoke(call.request, callback);
    },
    registerResource: (call: Call<RegisterResourceRequest>, callback: Callback) => {
      const request = call.request;
      engine.registrations.push({
        type: request.getType(),
        name: request.getName(),
        parent: request.getParent(),
        protect: request.getProtect() === true,
        custom: request.getCustom(),
        provider: request.getProvider(),
        object: request.getObject()?.toJavaScript() ?? {},
      });
      void monitor.registerResource(request, callback);
    },
    registerResourceOutputs: (call: Call, callback: Callback) => {
      // MockMonitor answers with `{}`, which gRPC cannot serialize.
      monitor.registerResourceOutputs(call.request, (error: Error | null) =>
        callback(error, error ? undefined : new Empty()),
      );
    },
  });
  server.addService(EngineService, {
    log: (call: Call<LogRequest>, callback: Callback) => {
      const request = call.request;
      const severity = Object.entries(LogSeverity).find(([, value]) => value === request.getSeverity())?.[0] ?? "?";
      engine.logs.push({ severity, message: request.getMessage(), urn: request.getUrn() });
      callback(null, new Empty());
    },
    // No stack resource: the component is constructed at the top, as a caller's would be under its stack.
    getRootResource: (_call: Call, callback: Callback) => callback(null, new GetRootResourceResponse().setUrn("")),
    setRootResource: (_call: Call, callback: Callback) => callback(null, new Empty()),
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.tryShutdown(() => resolve());
    });
  // The same object the handlers record into, so tests see every call and can change the tenant.
  const addProvider = (reference: string) => {
    const split = reference.lastIndexOf("::");
    const urn = reference.slice(0, split);
    monitor.resources.set(urn, { urn, id: reference.slice(split + 2), state: {} });
  };
  return Object.assign(engine, { address: `127.0.0.1:${port}`, addProvider, close });
}

/** The parts of a RegisterResourceRequest recorded here. */
interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProtect(): boolean | undefined;
  getCustom(): boolean;
  getProvider(): string;
  getObject(): Struct | undefined;
}

export interface PluginProcess {
  client: ResourceProviderClient;
  /** Milliseconds from spawn to the port on stdout. */
  startMs: number;
  stdout(): string;
  stderr(): string;
  /** Kills the plugin's process group and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts the plugin as the Node.js language host does: run-plugin, the plugin's directory, the
 * engine's address; `callerDir` is the working directory, whose tsconfig.json (if any) ts-node uses.
 */
export async function startPlugin(
  callerDir: string,
  engineAddress: string,
  pluginDir = COMPONENT_DIR,
): Promise<PluginProcess> {
  const started = Date.now();
  // Its own process group, so that stop() reaches anything it started too.
  const child: ChildProcess = spawn(process.execPath, [RUN_PLUGIN, pluginDir, engineAddress], {
    cwd: callerDir,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  void exit.then(() => {
    exited = true;
  });
  const stop = async () => {
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await exit;
  };
  const announced = await announcedPort(child, "run-plugin");
  return {
    client: new ResourceProviderClient(`127.0.0.1:${announced.port}`, grpc.credentials.createInsecure()),
    startMs: Date.now() - started,
    stdout: announced.stdout,
    stderr: announced.stderr,
    stop,
  };
}

export async function getSchema(client: ResourceProviderClient): Promise<string> {
  return new Promise((resolve, reject) => {
    client.getSchema(new GetSchemaRequest().setVersion(0), (error, response) =>
      error ? reject(error) : resolve(response.getSchema()),
    );
  });
}

export interface ConstructCall {
  name: string;
  inputs: Record<string, unknown>;
  /** Package name to provider reference (`<urn>::<id>`), as the engine sends the caller's providers. */
  providers?: Record<string, string>;
  config?: Record<string, string>;
}

/** Construct as the engine sends it for a caller's `new TikTokLogin(name, inputs, opts)`. */
export function construct(
  client: ResourceProviderClient,
  engine: FakeEngine,
  call: ConstructCall,
): Promise<ConstructResponse> {
  const request = new ConstructRequest()
    .setProject(PROJECT)
    .setStack(STACK)
    .setDryrun(true)
    .setParallel(4)
    .setMonitorendpoint(engine.address)
    .setType("tiktok-auth0:index:TikTokLogin")
    .setName(call.name)
    .setInputs(Struct.fromJavaScript(call.inputs as Parameters<typeof Struct.fromJavaScript>[0]));
  for (const [key, value] of Object.entries(call.config ?? {})) request.getConfigMap().set(key, value);
  for (const [pkg, ref] of Object.entries(call.providers ?? {})) request.getProvidersMap().set(pkg, ref);
  return new Promise((resolve, reject) => {
    client.construct(request, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

/** A gRPC error's details (its message as the caller sees it), or a failure if the call succeeded. */
export async function rejectionOf(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  throw new Error("expected the call to fail, and it succeeded");
}
