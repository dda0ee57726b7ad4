import * as auth0 from "@pulumi/auth0";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { TikTokLogin, TikTokLoginArgs, validateTikTokLoginArgs } from "../../component/tiktok-login";
import { HAND_MADE_CONNECTION_ID, handMadeConnection } from "../infra/fixtures/hand-made-connection";
import { engineUrns, resolveAliases } from "../infra/support/engine-urns";
import {
  GET_CONNECTION,
  installMocks,
  isSecretValue,
  PROJECT,
  promiseOf,
  RecordedResource,
  recordingMocks,
  resourcesOfType,
  runUnderMocks,
  STACK,
  TYPES,
} from "../infra/support/pulumi-mocks";

/**
 * TikTokLogin as a caller's program uses it: no stack configuration, its own names and providers. The
 * plugin path (the same checks, reached over gRPC) is test/component/plugin-grpc.test.ts.
 */

const ARGS: TikTokLoginArgs = {
  tiktokClientKey: "awcallerkey",
  tiktokClientSecret: "caller-client-secret-in-plain-text",
  enabledClients: ["callerWebApp"],
};

/** The value with every secret-marked part replaced, as state shows it without decrypting. */
function outsideSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(outsideSecrets);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, outsideSecrets(item)]));
  }
  return value;
}

const refused = async (args: TikTokLoginArgs, name = "login"): Promise<string> => {
  try {
    await runUnderMocks(() => TikTokLogin.create(name, args), {}, []);
  } catch (err) {
    expect(pulumi.RunError.isInstance(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error("TikTokLogin.create did not refuse");
};

describe("a caller's mistakes", () => {
  it("are all reported at once, naming the inputs in the caller's words, never a pulumi config command", async () => {
    const message = await refused({
      tiktokClientKey: "",
      tiktokClientSecret: "",
      scopes: ["user.info.profile"],
      lambdaMemoryMb: 256.5,
      reservedConcurrency: -1,
      functionName: "has spaces",
    });
    expect(message.split("\n")[0]).toBe('TikTokLogin "login" has 6 problems:');
    expect(message).toContain("TikTokLogin input tiktokClientKey is required: set tiktokClientKey to");
    expect(message).toContain("TikTokLogin input tiktokClientSecret is required: pass tiktokClientSecret, as a secret");
    expect(message).toContain("TikTokLogin input scopes must include user.info.basic");
    expect(message).toContain(
      'TikTokLogin input lambdaMemoryMb must be a whole number from 128 to 10240, got "256.5": set lambdaMemoryMb to <128-10240>, or leave lambdaMemoryMb out for the default.',
    );
    expect(message).toContain('TikTokLogin input reservedConcurrency must be a whole number of at least 1, got "-1"');
    expect(message).toContain("TikTokLogin input functionName must be 1-64 letters, digits, hyphens or underscores");
    expect(message).not.toMatch(/pulumi config|tiktok-auth0:|Pulumi\.<stack>\.yaml|auth0:domain/);
  });

  it("refuses an output of another resource where a plain value is needed, saying why", () => {
    const words = () =>
      validateTikTokLoginArgs("login", { ...ARGS, enabledClients: pulumi.output(["x"]) as unknown as string[] });
    expect(words).toThrow(
      "TikTokLogin input enabledClients must be a plain value, known before anything is deployed: not a secret, and not an output of another resource",
    );
    // As a Python caller writes it: a list holding an application's client_id output.
    expect(() =>
      validateTikTokLoginArgs("login", { ...ARGS, enabledClients: [pulumi.output("id") as unknown as string] }),
    ).toThrow("TikTokLogin input enabledClients must be a plain value");
  });

  it("refuses values of the wrong type, as a Python caller can pass them, without echoing them", () => {
    const hostile = {
      tiktokClientKey: 12345,
      tiktokClientSecret: 123,
      connectionName: true,
      displayName: { x: 1 },
      scopes: ["user.info.basic", 7],
      logRetentionDays: NaN,
      lambdaMemoryMb: "a-secret-pasted-here",
    } as unknown as TikTokLoginArgs;
    let message = "";
    try {
      validateTikTokLoginArgs("login", hostile);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split("\n").slice(1)).toEqual([
      "  - TikTokLogin input tiktokClientKey must be a string, got a number: set tiktokClientKey to <a string>.",
      "  - TikTokLogin input connectionName must be a string, got a boolean: set connectionName to <a string>.",
      "  - TikTokLogin input displayName must be a string, got an object: set displayName to <a string>.",
      "  - TikTokLogin input scopes must be a list of strings, got a list that holds something other than strings: set scopes to <a list of strings>.",
      "  - TikTokLogin input logRetentionDays must be a number, got NaN: set logRetentionDays to <a number>.",
      "  - TikTokLogin input lambdaMemoryMb must be a number, got a string: set lambdaMemoryMb to <a number>.",
      expect.stringMatching(
        /^ {2}- TikTokLogin input tiktokClientSecret must be a string, got a number: pass tiktokClientSecret, as a secret/,
      ),
    ]);
    expect(message).not.toContain("a-secret-pasted-here");
  });

  it("says a value only known during the update, as a preview hands it over, cannot be checked in advance", () => {
    expect(() =>
      validateTikTokLoginArgs("login", { ...ARGS, connectionName: pulumi.unknown as unknown as string }),
    ).toThrow(
      "TikTokLogin input connectionName must be a plain value, known before anything is deployed: not a secret, and not an output of another resource",
    );
  });

  it("needs the checks of create: the constructor alone refuses, declaring nothing, and names the way to create one", async () => {
    const recorder = recordingMocks();
    await installMocks(recorder);
    expect(() => new TikTokLogin("login", ARGS)).toThrow(
      'TikTokLogin "login" was constructed without its checks: create it with `await TikTokLogin.create(…)`',
    );
    await pulumi.runtime.disconnect();
    expect(recorder.resources).toEqual([]);
  });
});

describe("one instance, as a caller declares it", () => {
  let resources: RecordedResource[];
  let login: TikTokLogin;

  beforeAll(async () => {
    const run = await runUnderMocks(() => TikTokLogin.create("login", ARGS), {}, []);
    resources = run.resources;
    login = run.program;
  });

  it("keeps nothing of its inputs in its own state, the client secret least of all", () => {
    const component = resources.filter((resource) => resource.type === "tiktok-auth0:index:TikTokLogin");
    expect(component).toHaveLength(1);
    expect(component[0].serialized).toEqual({});
    for (const resource of resources) {
      // Only the connection gets the client secret, and there as a secret: outside secret values, it is nowhere.
      const secretInThePlain = JSON.stringify(outsideSecrets(resource.serialized)).includes(
        ARGS.tiktokClientSecret as string,
      );
      expect({ resource: resource.name, secretInThePlain }).toEqual({
        resource: resource.name,
        secretInThePlain: false,
      });
    }
  });

  it("sends the client secret to the connection as a secret, though the caller passed a plain string", () => {
    const [connection] = resourcesOfType(resources, TYPES.connection);
    const options = connection.serialized.options as { clientSecret: unknown };
    expect(isSecretValue(options.clientSecret)).toBe(true);
  });

  it("protects the connection, and names physical resources after the caller's project, stack and instance", () => {
    const [connection] = resourcesOfType(resources, TYPES.connection);
    expect(connection.options.protect).toBe(true);
    expect(connection.inputs.name).toBe("TikTok");
    expect(resourcesOfType(resources, TYPES.function)[0].inputs.name).toBe(`${PROJECT}-${STACK}-login`);
    expect(resourcesOfType(resources, TYPES.logGroup)[0].inputs.name).toBe(`/aws/lambda/${PROJECT}-${STACK}-login`);
  });

  it("gives its children no aliases: those belong to the reference stack's instance alone", () => {
    expect(resources.filter((resource) => resource.options.aliases.length > 0)).toEqual([]);
  });

  it("outputs the active shared secret as a secret, and the dashboard's URL", async () => {
    expect(await pulumi.isSecret(login.proxySharedSecret)).toBe(true);
    expect(await promiseOf(login.dashboardUrl)).toMatch(/^https:\/\/.*#dashboards:name=/);
  });
});

describe("monitoring", () => {
  it("is left out, alarms, topic and dashboard, when the caller turns it off", async () => {
    const run = await runUnderMocks(
      () => TikTokLogin.create("login", { ...ARGS, monitoring: false, alarmEmail: "oncall@example.com" }),
      {},
      [],
    );
    const types = new Set(run.resources.map((resource) => resource.type));
    for (const type of [TYPES.metricAlarm, TYPES.dashboard, TYPES.topic, "tiktok-auth0:index:ProxyMonitoring"]) {
      expect(types.has(type)).toBe(false);
    }
    expect(types.has(TYPES.function)).toBe(true);
    expect(await promiseOf(run.program.dashboardUrl)).toBeUndefined();
  });
});

describe("several instances in one stack", () => {
  it("never share a URN or a physical name: a sandbox app and a production app in one tenant", async () => {
    const run = await runUnderMocks(
      async () => [
        await TikTokLogin.create("sandbox", { ...ARGS, connectionName: "TikTok-sandbox", alarmEmail: "a@example.com" }),
        await TikTokLogin.create("production", { ...ARGS, alarmEmail: "a@example.com" }),
      ],
      {},
      [],
    );
    const urns = engineUrns(run.resources, STACK, PROJECT);
    expect(new Set(urns).size).toBe(urns.length);
    const physical = (type: string, input: string) =>
      resourcesOfType(run.resources, type).map((resource) => String(resource.inputs[input]));
    const names = {
      functions: physical(TYPES.function, "name"),
      logGroups: physical(TYPES.logGroup, "name"),
      alarms: physical(TYPES.metricAlarm, "name"),
      dashboards: physical(TYPES.dashboard, "dashboardName"),
      connections: physical(TYPES.connection, "name"),
      // Auto-named by AWS from the resource name, which differs per instance.
      roles: resourcesOfType(run.resources, TYPES.role).map((resource) => resource.name),
      topics: resourcesOfType(run.resources, TYPES.topic).map((resource) => resource.name),
    };
    for (const [kind, list] of Object.entries(names)) {
      expect({ kind, unique: new Set(list).size === list.length && list.length > 1 }).toEqual({ kind, unique: true });
    }
    expect(names.connections.sort()).toEqual(["TikTok", "TikTok-sandbox"]);
  });

  it("use each caller's providers, for every child and for the live lookup: two tenants through two Auth0 providers", async () => {
    const run = await runUnderMocks(
      async () => {
        const region = new aws.Provider("eu", { region: "eu-west-1" });
        const tenantA = new auth0.Provider("tenant-a", { domain: "a.eu.auth0.com" });
        const tenantB = new auth0.Provider("tenant-b", { domain: "b.eu.auth0.com" });
        return [
          await TikTokLogin.create("a", ARGS, { providers: { aws: region, auth0: tenantA } }),
          await TikTokLogin.create("b", ARGS, { providers: [region, tenantB] }),
        ];
      },
      {},
      [],
    );
    const lookups = run.invokes.filter((invoke) => invoke.token === GET_CONNECTION);
    expect(lookups.map((lookup) => lookup.provider.split("::")[3])).toEqual(["tenant-a", "tenant-b"]);
    const connections = resourcesOfType(run.resources, TYPES.connection);
    expect(connections.map((connection) => connection.provider.split("::")[3]).sort()).toEqual([
      "tenant-a",
      "tenant-b",
    ]);
    for (const resource of run.resources.filter((r) => r.type.startsWith("aws:"))) {
      expect({ resource: resource.name, provider: resource.provider.split("::")[3] }).toEqual({
        resource: resource.name,
        provider: "eu",
      });
    }
  });

  it("would be refused by the engine if both claimed the reference stack's old resources, which is why only its instance has aliases", async () => {
    const run = await runUnderMocks(
      async () => [
        await TikTokLogin.create("tiktok", ARGS, { movedFromStackRoot: true }),
        await TikTokLogin.create("other", { ...ARGS, connectionName: "TikTok-other" }, { movedFromStackRoot: true }),
      ],
      {},
      [],
    );
    const old = fs
      .readFileSync(path.join(__dirname, "../infra/fixtures/urns-baseline.txt"), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("urn:"));
    expect(() => resolveAliases(run.resources, old, STACK, PROJECT)).toThrow(/aliased to the same/);
  });
});

describe("adoption by a caller", () => {
  it("reads the connection through the caller's Auth0 provider, and refuses in the caller's words", async () => {
    // The adoption's warnings go to the engine's log; kept out of the test's output.
    const warn = jest.spyOn(pulumi.log, "warn").mockResolvedValue();
    const recorder = recordingMocks({ liveConnections: { [HAND_MADE_CONNECTION_ID]: handMadeConnection() } });
    await installMocks(recorder);
    const tenant = new auth0.Provider("tenant-b", { domain: "b.eu.auth0.com" });
    const message = await TikTokLogin.create(
      "login",
      { ...ARGS, adoptConnectionId: HAND_MADE_CONNECTION_ID },
      { providers: { auth0: tenant } },
    ).then(
      () => "",
      (err: unknown) => (err as Error).message,
    );
    await pulumi.runtime.disconnect();
    warn.mockRestore();
    expect(message).toMatch(/^Adopting the existing connection is not safe yet/);
    // The hand-made connection belongs to another TikTok app than ARGS names.
    expect(message).toContain("but TikTokLogin input tiktokClientKey is");
    expect(message).toContain("set tiktokClientKey to");
    expect(message).not.toMatch(/pulumi config/);
    const lookups = recorder.invokes.filter((invoke) => invoke.token === GET_CONNECTION);
    expect(lookups.map((lookup) => lookup.provider.split("::")[3])).toEqual(["tenant-b"]);
    // Refused before anything but the caller's provider was declared.
    expect(recorder.resources.map((resource) => resource.type)).toEqual(["pulumi:providers:auth0"]);
  });
});
