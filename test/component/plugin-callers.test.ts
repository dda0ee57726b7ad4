import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  COMPONENT_DIR,
  construct,
  FakeEngine,
  getSchema,
  PluginProcess,
  startFakeEngine,
  startPlugin,
} from "./support/plugin-host";

/**
 * run-plugin compiles the package with ts-node under the tsconfig.json of the caller's directory (its
 * working directory), not component/tsconfig.json, and type-checks it: a caller's compiler options can
 * stop the plugin from loading. Each caller here starts the plugin, gets the schema and constructs one
 * TikTokLogin. The caller without a tsconfig.json is test/component/plugin-grpc.test.ts.
 */

const CALLERS = path.join(__dirname, "fixtures", "callers");
const AUTH0_PROVIDER = "urn:pulumi:dev::proj::pulumi:providers:auth0::default::0b4c8f0e-7f3a-4b61-9e0d-2c5a7d1e6f38";
const SCHEMA: unknown = JSON.parse(fs.readFileSync(path.join(COMPONENT_DIR, "schema.json"), "utf8"));

let engine: FakeEngine;

beforeAll(async () => {
  engine = await startFakeEngine();
  engine.addProvider(AUTH0_PROVIDER);
});

afterAll(async () => {
  await engine?.close();
});

describe.each([
  ["Pulumi's TypeScript template", "pulumi-template.tsconfig.json"],
  ["a strict one without esModuleInterop (@tsconfig/strictest's checks)", "strict.tsconfig.json"],
])("a caller whose tsconfig.json is %s", (_caller, fixture) => {
  let callerDir: string;
  let plugin: PluginProcess;

  beforeAll(async () => {
    callerDir = fs.mkdtempSync(path.join(os.tmpdir(), "tiktok-auth0-caller-"));
    fs.copyFileSync(path.join(CALLERS, fixture), path.join(callerDir, "tsconfig.json"));
    plugin = await startPlugin(callerDir, engine.address);
  }, 60_000);

  afterAll(async () => {
    plugin?.client.close();
    await plugin?.stop();
    if (callerDir) fs.rmSync(callerDir, { recursive: true, force: true });
  });

  it("loads the plugin, which serves the committed schema and constructs a TikTokLogin", async () => {
    expect(JSON.parse(await getSchema(plugin.client))).toEqual(SCHEMA);
    const name = fixture.split(".")[0];
    const response = await construct(plugin.client, engine, {
      name,
      inputs: { tiktokClientKey: "awtestclientkey123", tiktokClientSecret: "s3cret" },
      providers: { auth0: AUTH0_PROVIDER },
    });
    expect(response.getUrn()).toBe(`urn:pulumi:dev::proj::tiktok-auth0:index:TikTokLogin::${name}`);
    expect(
      engine.registrations.filter(
        (r) => r.type === "auth0:index/connection:Connection" && r.name === `${name}-connection`,
      ),
    ).toHaveLength(1);
  }, 60_000);
});
