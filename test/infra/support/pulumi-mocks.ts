import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { StackOutputs, tiktokAuth0 } from "../../../infra/program";
import { GET_CONNECTION, getConnectionAnswer, invokeFailure } from "../../support/mock-tenant";

export { GET_CONNECTION };

/**
 * Recording Pulumi mocks: every resource the program registers is kept with the inputs it was
 * given, secrets still marked, so tests assert on what a real `pulumi up` would send.
 */

// The program refuses an AUTH0_DOMAIN that disagrees with auth0:domain; a developer's own shell must
// not decide whether the program tests pass.
delete process.env.AUTH0_DOMAIN;

export const PROJECT = "tiktok-auth0";
export const STACK = "dev";
export const MOCK_REGION = "us-east-1";
export const MOCK_ACCOUNT = "123456789012";
/** Invented by the mock; tests use it only to prove it is wired through to the token URL. */
export const MOCK_FUNCTION_URL = "https://abc123.lambda-url.us-east-1.on.aws/";
/**
 * The `result` the mock gives the RandomPassword named `resourceName`: distinct per name, so tests
 * can tell the shared-secret slots apart, and stable, so tests can compute what to expect. 48
 * letters and digits, like the program's real ones. `replaced`: the value after
 * `pulumi up --replace` gave the password a new one.
 */
export function mockRandomPassword(resourceName: string, replaced = false): string {
  const seed = replaced ? `${resourceName} (replaced)` : resourceName;
  return `MockSecret${createHash("sha256").update(seed).digest("hex").slice(0, 38)}`;
}

export interface MockOptions {
  /** RandomPasswords to treat as replaced since the last run: they get their `replaced` value. */
  replacedPasswords?: readonly string[];
  /**
   * Resources that took over an old resource through an alias, by their name: the old resource's
   * name. The mocks derive IDs, ARNs and passwords from a name; a real engine gives such a resource
   * the old one's outputs from state, which this reproduces.
   */
  stateNames?: Readonly<Record<string, string>>;
  /**
   * Connections that exist in the mocked tenant, by ID: what `auth0.getConnection` answers (the
   * provider's result shape), looked up by ID or by name. Any other ID fails the invoke, as Auth0's
   * 404 would; any other name fails with the provider's "No connection found" message. Unset: an
   * empty tenant.
   */
  liveConnections?: Readonly<Record<string, Record<string, unknown>>>;
  /** Invoke tokens to leave unanswered, as for any token the mocks do not know. */
  unanswered?: readonly string[];
}

export const TYPES = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  rolePoliciesExclusive: "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
  rolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  function: "aws:lambda/function:Function",
  functionUrl: "aws:lambda/functionUrl:FunctionUrl",
  permission: "aws:lambda/permission:Permission",
  connection: "auth0:index/connection:Connection",
  connectionClients: "auth0:index/connectionClients:ConnectionClients",
  connectionClient: "auth0:index/connectionClient:ConnectionClient",
  randomPassword: "random:index/randomPassword:RandomPassword",
  randomId: "random:index/randomId:RandomId",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  topic: "aws:sns/topic:Topic",
  topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
} as const;

export interface RecordedResource {
  type: string;
  name: string;
  /** The values the provider would receive, secret markers removed. */
  inputs: Record<string, unknown>;
  /**
   * The same inputs as serialized for the engine, where each secret is still marked where it sits
   * (see {@link isSecretValue}). The mocks' own deserialization moves every marker up to the
   * top-level property, which could not tell `options.clientSecret` from `options.iconUrl`.
   */
  serialized: Record<string, unknown>;
  /** The parent's URN; "" for a resource created at the top of the program. */
  parent: string;
  /** The provider reference (`<provider URN>::<ID>`) it is registered with; "" for the default provider. */
  provider: string;
  /** Resource options as the engine receives them in the RegisterResourceRequest. */
  options: RegisteredOptions;
}

/** One alias as the SDK sends it to the engine: an old URN, or a spec the engine completes. */
export interface RegisteredAlias {
  /** Set for an alias given as a URN; then the rest is empty. */
  urn: string;
  name: string;
  type: string;
  stack: string;
  project: string;
  /** The old parent's URN, as the SDK knew it; "" when the spec names none. */
  parentUrn: string;
  /** The old resource had no parent (`parent: pulumi.rootStackResource`). */
  noParent: boolean;
}

/** What a resource registered without options carries. */
export const NO_OPTIONS: RegisteredOptions = {
  protect: false,
  importId: "",
  dependencies: [],
  propertyDependencies: {},
  aliases: [],
};

export interface RegisteredOptions {
  protect: boolean;
  /** "" when the resource is not imported. */
  importId: string;
  /**
   * URNs of every resource this one waits for: its `dependsOn` and the resources its inputs come from
   * (the SDK sends both in one list).
   */
  dependencies: string[];
  /** URNs each input comes from, by input name: what the list above holds besides `dependsOn`. */
  propertyDependencies: Record<string, string[]>;
  aliases: RegisteredAlias[];
}

export interface Recorder {
  mocks: pulumi.runtime.Mocks;
  resources: RecordedResource[];
  /** Tokens of every invoke the program made. */
  calls: string[];
  /** Every invoke with its arguments and provider reference ("" for the default provider), in order. */
  invokes: { token: string; inputs: Record<string, unknown>; provider: string }[];
  /** Call once, right after setMocks (see {@link installMocks}). */
  captureSerializedInputs(): void;
}

/** Outputs AWS and the other providers compute, which only exist in a mock if it returns them. */
function computedOutputs(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  options: MockOptions,
): Record<string, unknown> {
  switch (type) {
    case TYPES.role:
      return { arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${name}`, name };
    case TYPES.rolePolicy:
      // Auto-named by the provider when the program gives no name.
      return { name: inputs.name ?? name };
    case TYPES.logGroup:
      return { arn: `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT}:log-group:${String(inputs.name)}` };
    case TYPES.function:
      return { arn: `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT}:function:${String(inputs.name)}` };
    case TYPES.functionUrl:
      return { functionUrl: MOCK_FUNCTION_URL, urlId: "abc123" };
    case TYPES.randomPassword:
      return { result: mockRandomPassword(name, options.replacedPasswords?.includes(name) ?? false) };
    case TYPES.topic:
      return { arn: `arn:aws:sns:${MOCK_REGION}:${MOCK_ACCOUNT}:${name}` };
    default:
      return {};
  }
}

export function recordingMocks(options: MockOptions = {}): Recorder {
  const resources: RecordedResource[] = [];
  const calls: string[] = [];
  const invokes: Recorder["invokes"] = [];
  const requests = new Map<string, CapturedRequest>();
  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const inputs = plain<Record<string, unknown>>(args.inputs);
      const stateName = options.stateNames?.[args.name] ?? args.name;
      const captured = requests.get(`${args.type}::${args.name}`);
      resources.push({
        type: args.type,
        name: args.name,
        inputs,
        serialized: captured?.serialized ?? {},
        parent: captured?.parent ?? "",
        provider: args.provider ?? "",
        options: captured?.options ?? NO_OPTIONS,
      });
      // State keeps the secret markers, so outputs of secret inputs stay secret, as with the engine.
      return {
        id: `${stateName}-id`,
        state: { ...args.inputs, ...computedOutputs(args.type, stateName, inputs, options) },
      };
    },
    call(args) {
      calls.push(args.token);
      invokes.push({
        token: args.token,
        inputs: plain<Record<string, unknown>>(args.inputs),
        provider: args.provider ?? "",
      });
      if (args.token === "aws:index/getRegion:getRegion") {
        return { id: MOCK_REGION, name: MOCK_REGION, region: MOCK_REGION, description: "US East (N. Virginia)" };
      }
      if (args.token === GET_CONNECTION && !options.unanswered?.includes(GET_CONNECTION)) {
        return getConnectionAnswer(Object.values(options.liveConnections ?? {}), args.inputs);
      }
      throw invokeFailure(`Mock call not implemented: ${args.token}`);
    },
  };
  return {
    mocks,
    resources,
    calls,
    invokes,
    captureSerializedInputs: () => {
      captureRequests(requests);
    },
  };
}

/** The parts of a RegisterResourceRequest (gRPC) the capture reads. */
interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect(): boolean | undefined;
  getImportid(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(callback: (dependencies: { getUrnsList(): string[] }, input: string) => void): void;
  };
  getAliasesList(): AliasMessage[];
}
interface AliasMessage {
  hasUrn(): boolean;
  getUrn(): string;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
      }
    | undefined;
}
interface MonitorWithRegister {
  registerResource(request: RegisterResourceRequest, callback: unknown): unknown;
}
interface CapturedRequest {
  serialized: Record<string, unknown>;
  parent: string;
  options: RegisteredOptions;
}

/** Wraps the mock monitor installed by setMocks so each request is seen before deserialization. */
function captureRequests(into: Map<string, CapturedRequest>): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    into.set(`${request.getType()}::${request.getName()}`, {
      serialized: request.getObject()?.toJavaScript() ?? {},
      parent: request.getParent(),
      options: {
        protect: request.getProtect() === true,
        importId: request.getImportid(),
        dependencies: request.getDependenciesList(),
        propertyDependencies: propertyDependenciesOf(request),
        aliases: request.getAliasesList().map(aliasOf),
      },
    });
    return register(request, callback);
  };
}

function aliasOf(alias: AliasMessage): RegisteredAlias {
  const none = { urn: "", name: "", type: "", stack: "", project: "", parentUrn: "", noParent: false };
  if (alias.hasUrn()) return { ...none, urn: alias.getUrn() };
  const spec = alias.getSpec();
  if (spec === undefined) return none;
  return {
    ...none,
    name: spec.getName(),
    type: spec.getType(),
    stack: spec.getStack(),
    project: spec.getProject(),
    parentUrn: spec.getParenturn(),
    noParent: spec.getNoparent(),
  };
}

function propertyDependenciesOf(request: RegisterResourceRequest): Record<string, string[]> {
  const byInput: Record<string, string[]> = {};
  request.getPropertydependenciesMap().forEach((dependencies, input) => {
    byInput[input] = dependencies.getUrnsList();
  });
  return byInput;
}

/** setMocks, then the serialized-input capture on the monitor it installed. */
export async function installMocks(recorder: Recorder): Promise<void> {
  await pulumi.runtime.setMocks(recorder.mocks, PROJECT, STACK);
  recorder.captureSerializedInputs();
}

export type Program = StackOutputs;

/**
 * Runs the program (infra/program.ts, which infra/index.ts runs for the CLI) against the mocks with
 * the given stack config, the way the CLI would: mocks first, then config, then the program. Resolves
 * with its stack outputs once every registration has reached the mocks. May be called again in the
 * same test file: each call installs fresh mocks.
 */
export async function runProgram(
  config: Record<string, string>,
  secretKeys: string[],
  options: MockOptions = {},
): Promise<Recorder & { program: Program }> {
  return runUnderMocks(tiktokAuth0, config, secretKeys, options);
}

/**
 * Runs any program, such as one declaring components of its own, as {@link runProgram} runs the
 * stack's: fresh mocks, then config, then the program, then every registration.
 */
export async function runUnderMocks<T>(
  program: () => Promise<T> | T,
  config: Record<string, string>,
  secretKeys: string[],
  options: MockOptions = {},
): Promise<Recorder & { program: T }> {
  const recorder = recordingMocks(options);
  await installMocks(recorder);
  pulumi.runtime.setAllConfig(config, secretKeys);
  const result = await program();
  // Waits for the RPC queue to drain, i.e. for every resource the program created to be registered.
  await pulumi.runtime.disconnect();
  return { ...recorder, program: result };
}

/**
 * Runs the program expecting it to reject, as {@link runProgram} does otherwise: resolves with what it
 * rejected with (`undefined` if it did not) and every resource it registered before that.
 */
export async function runRefusedProgram(
  config: Record<string, string>,
  secretKeys: string[],
  options: MockOptions = {},
): Promise<{ error: unknown; registered: RecordedResource[] }> {
  const recorder = recordingMocks(options);
  await installMocks(recorder);
  pulumi.runtime.setAllConfig(config, secretKeys);
  const error = await tiktokAuth0().then(
    () => undefined,
    (err: unknown) => err,
  );
  // Every registration the program started has reached the mocks once the queue drains.
  await pulumi.runtime.disconnect();
  return { error, registered: recorder.resources };
}

export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

export function isSecretValue(value: unknown): boolean {
  return pulumi.runtime.isRpcSecret(value);
}

/** The inputs with every secret marker removed, to compare values. */
export function plain<T>(value: unknown): T {
  const unwrapped: unknown = isSecretValue(value) ? pulumi.runtime.unwrapRpcSecret(value) : value;
  if (Array.isArray(unwrapped)) return unwrapped.map((item) => plain(item)) as T;
  if (unwrapped !== null && typeof unwrapped === "object" && Object.getPrototypeOf(unwrapped) === Object.prototype) {
    return Object.fromEntries(Object.entries(unwrapped).map(([key, item]) => [key, plain(item)])) as T;
  }
  return unwrapped as T;
}

export function resourcesOfType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

/** The one resource of `type`; fails the test if there are none or several. */
export function onlyResourceOfType(resources: readonly RecordedResource[], type: string): RecordedResource {
  const found = resourcesOfType(resources, type);
  if (found.length !== 1) {
    throw new Error(`Expected exactly one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
  }
  return found[0];
}

/** The configuration every program test starts from: the required keys, the secret marked secret. */
export const REQUIRED_CONFIG: Record<string, string> = {
  "auth0:domain": "tiktok-auth0-test.eu.auth0.com",
  "tiktok-auth0:tiktokClientKey": "awtestclientkey123",
  "tiktok-auth0:tiktokClientSecret": "tiktok-client-secret-under-test",
};
export const SECRET_KEYS = ["tiktok-auth0:tiktokClientSecret"];
