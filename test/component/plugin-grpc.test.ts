import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  COMPONENT_DIR,
  construct,
  FakeEngine,
  GET_CONNECTION,
  getSchema,
  PluginProcess,
  rejectionOf,
  startFakeEngine,
  startPlugin,
} from "./support/plugin-host";

/**
 * The package as a caller in any language reaches it: the engine starts the plugin with
 * @pulumi/pulumi/cmd/run-plugin in the caller's directory (here an empty one, so no tsconfig.json),
 * asks for its schema, and sends a Construct for each TikTokLogin. This file is the engine: every
 * resource the plugin registers and every invoke it makes arrive here (test/component/support/plugin-host.ts).
 */

const AUTH0_PROVIDER = "urn:pulumi:dev::proj::pulumi:providers:auth0::tenant-b::8e2a4f4c-51b6-4f0e-9d52-3f7c1d0a9b21";
const INPUTS = {
  tiktokClientKey: "awtestclientkey123",
  // Plain, as a careless caller would pass it: the connection must still hold it as a secret.
  tiktokClientSecret: "tiktok-client-secret-under-test",
  enabledClients: ["client-app-1"],
  alarmEmail: "oncall@example.com",
};

let engine: FakeEngine;
let plugin: PluginProcess;
let callerDir: string;

beforeAll(async () => {
  engine = await startFakeEngine();
  engine.addProvider(AUTH0_PROVIDER);
  callerDir = fs.mkdtempSync(path.join(os.tmpdir(), "tiktok-auth0-caller-"));
  plugin = await startPlugin(callerDir, engine.address);
}, 60_000);

afterAll(async () => {
  plugin?.client.close();
  await plugin?.stop();
  await engine?.close();
  if (callerDir) fs.rmSync(callerDir, { recursive: true, force: true });
});

/** The lines of a stack trace, which no refusal may show the caller. */
const STACK_LINE = /^\s+at /m;

/** What the engine would show the caller: its log above debug level, and the plugin's stderr. */
function expectNoCrash(): void {
  const shown = engine.logs.filter((log) => log.severity !== "DEBUG").map((log) => log.message);
  const output = [plugin.stderr(), ...shown].join("\n");
  expect(output).not.toMatch(STACK_LINE);
  expect(output).not.toMatch(/unhandled (exception|rejection)/i);
}

it("answers GetSchema with component/schema.json", async () => {
  const served: unknown = JSON.parse(await getSchema(plugin.client));
  expect(served).toEqual(JSON.parse(fs.readFileSync(path.join(COMPONENT_DIR, "schema.json"), "utf8")));
  // The first request infers the schema from the sources, with the TypeScript compiler: seconds.
}, 60_000);

describe("Construct of a TikTokLogin with the caller's Auth0 provider, in an empty tenant", () => {
  let state: Record<string, unknown>;
  const registered = () => engine.registrations.filter((r) => r.name.startsWith("login"));

  beforeAll(async () => {
    engine.tenant = { connections: [] };
    const response = await construct(plugin.client, engine, {
      name: "login",
      inputs: INPUTS,
      providers: { auth0: AUTH0_PROVIDER },
    });
    state = response.getState()?.toJavaScript() ?? {};
  }, 30_000);

  it("registers the component, its parts and their resources under it", () => {
    const types = registered().map((r) => r.type);
    expect(types).toEqual(
      expect.arrayContaining([
        "tiktok-auth0:index:TikTokLogin",
        "tiktok-auth0:index:TokenProxy",
        "tiktok-auth0:index:TikTokConnection",
        "tiktok-auth0:index:ProxyMonitoring",
        "auth0:index/connection:Connection",
        "auth0:index/connectionClients:ConnectionClients",
        "aws:lambda/function:Function",
        "aws:lambda/functionUrl:FunctionUrl",
        "aws:sns/topic:Topic",
      ]),
    );
    expect(types.filter((type) => type === "random:index/randomPassword:RandomPassword")).toHaveLength(2);
    const component = registered().find((r) => r.type === "tiktok-auth0:index:TikTokLogin");
    expect(component?.parent).toBe("");
    for (const child of registered().filter((r) => r !== component)) expect(child.parent).not.toBe("");
  });

  it("registers the TikTokLogin itself with no inputs: nothing of the args, the secret least of all, is in its state", () => {
    const component = registered().find((r) => r.type === "tiktok-auth0:index:TikTokLogin");
    expect(component?.object).toEqual({});
  });

  it("protects the connection, and sends its client secret as a secret though the input was plain", () => {
    const connection = registered().find((r) => r.type === "auth0:index/connection:Connection");
    expect(connection?.protect).toBe(true);
    const options = connection?.object.options as Record<string, unknown>;
    expect(pulumi.runtime.isRpcSecret(options.clientSecret)).toBe(true);
    expect(pulumi.runtime.unwrapRpcSecret(options.clientSecret)).toBe(INPUTS.tiktokClientSecret);
  });

  it("creates the connection with the caller's Auth0 provider", () => {
    const connection = registered().find((r) => r.type === "auth0:index/connection:Connection");
    expect(connection?.provider).toBe(`${AUTH0_PROVIDER}`);
  });

  it("returns proxySharedSecret as a secret", () => {
    expect(pulumi.runtime.isRpcSecret(state.proxySharedSecret)).toBe(true);
  });

  it("looked the connection up through the caller's Auth0 provider, not a default one", () => {
    const lookups = engine.invokes.filter((invoke) => invoke.token === GET_CONNECTION);
    expect(lookups[0]).toEqual({
      token: GET_CONNECTION,
      provider: AUTH0_PROVIDER,
      args: expect.objectContaining({ name: "TikTok" }),
    });
  });
});

describe("a Construct the component refuses reaches the caller as its message alone", () => {
  it("invalid inputs: every problem, naming the input, in the caller's words (never `pulumi config`)", async () => {
    const count = engine.registrations.length;
    const error = await rejectionOf(
      construct(plugin.client, engine, {
        name: "bad",
        inputs: { tiktokClientSecret: "s", lambdaMemoryMb: 256.5, scopes: ["user.info.profile"] },
        providers: { auth0: AUTH0_PROVIDER },
      }),
    );
    expect(error.details).toMatch(/TikTokLogin input tiktokClientKey/);
    expect(error.details).toMatch(/TikTokLogin input lambdaMemoryMb/);
    expect(error.details).toMatch(/TikTokLogin input scopes must include user.info.basic/);
    expect(error.details).not.toMatch(/pulumi config/);
    expect(error.details).not.toMatch(STACK_LINE);
    // Refused before anything was declared.
    expect(engine.registrations.slice(count).filter((r) => r.name.startsWith("bad"))).toEqual([]);
    expectNoCrash();
  });

  it("an adoption the live connection refuses: another TikTok app's client key", async () => {
    engine.tenant = {
      connections: [
        {
          id: "con_handmade1",
          name: "TikTok",
          strategy: "oauth2",
          options: [
            { clientId: "awanotherappkey", authorizationEndpoint: "https://www.tiktok.com/v2/auth/authorize/" },
          ],
          enabledClients: ["client-app-1"],
        },
      ],
    };
    const error = await rejectionOf(
      construct(plugin.client, engine, {
        name: "adopt",
        inputs: { ...INPUTS, adoptConnectionId: "con_handmade1" },
        providers: { auth0: AUTH0_PROVIDER },
      }),
    );
    expect(error.details).toMatch(/^Adopting the existing connection is not safe yet/);
    expect(error.details).toContain('uses the TikTok client key "awanotherappkey"');
    expect(error.details).not.toMatch(/pulumi config/);
    expect(error.details).not.toMatch(STACK_LINE);
    expectNoCrash();
  });

  it("a lookup the provider refuses", async () => {
    engine.tenant = { connections: [], refuse: "403 Forbidden: Insufficient scope, expected any of: read:connections" };
    const error = await rejectionOf(
      construct(plugin.client, engine, { name: "denied", inputs: INPUTS, providers: { auth0: AUTH0_PROVIDER } }),
    );
    expect(error.details).toMatch(/^Could not look up the connection "TikTok" in the tenant of the Auth0 provider/);
    expect(error.details).toContain("403 Forbidden: Insufficient scope");
    expect(error.details).not.toMatch(STACK_LINE);
    expectNoCrash();
  });
});
