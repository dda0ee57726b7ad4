import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import {
  checkInputs,
  checkPythonProgram,
  checkTypeScriptProgram,
  checkYamlProgram,
  NODEJS,
  PackageSchema,
  parseYamlProgram,
  pyName,
  python3,
  PYTHON,
  readPythonProgram,
  readTypeScriptProgram,
  sdkNames,
  Value,
  YAML_NAMING,
} from "./example-checks";

/**
 * The three caller programs in examples/ against the package's contract, component/schema.json.
 * They cannot run here: their SDKs exist only after a real `pulumi package add`. What is proven is
 * that each uses TikTokLogin as its language's generated SDK spells the schema, and records the
 * package as the CLI does. Each check is also run on a broken program, and must catch it.
 */

const ROOT = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const schema = JSON.parse(read("component/schema.json")) as PackageSchema;
const componentVersion = (JSON.parse(read("component/package.json")) as { version: string }).version;

interface Project {
  name?: string;
  runtime?: string | { name?: string };
  packages?: Record<string, unknown>;
}
const project = (example: string) => yaml.load(read(`examples/${example}/Pulumi.yaml`)) as Project;
/** The `packages:` entry `pulumi package add` records: `name: source@version` (PackageSpec's string form). */
const packageSource = (example: string) => {
  const entry = project(example).packages?.[schema.name];
  if (typeof entry !== "string")
    throw new Error(`examples/${example}/Pulumi.yaml: packages.${schema.name} is not a string`);
  return entry.split("@")[0] ?? "";
};

describe.each([
  ["yaml", "yaml"],
  ["python", "python"],
  ["typescript", "nodejs"],
])("examples/%s", (example, runtime) => {
  it("is a Pulumi project of its language, not a plugin (the CLI refuses a folder with both files)", () => {
    const declared = project(example).runtime;
    expect(typeof declared === "string" ? declared : declared?.name).toBe(runtime);
    expect(fs.existsSync(path.join(ROOT, "examples", example, "PulumiPlugin.yaml"))).toBe(false);
  });

  it("records the package as `pulumi package add` does: its schema name, the component folder at this release's tag", () => {
    const entries = project(example).packages ?? {};
    expect(Object.keys(entries)).toEqual([schema.name]);
    expect(entries[schema.name]).toMatch(
      new RegExp(`^github\\.com/[A-Za-z0-9-]+/tiktok-auth0/component@v${componentVersion.replace(/\./g, "\\.")}$`),
    );
  });

  it("has a README that gives the same `pulumi package add` command", () => {
    const readme = read(`examples/${example}/README.md`);
    expect(readme).toContain(`pulumi package add ${String(project(example).packages?.[schema.name])}`);
  });
});

describe("Pulumi's naming, as ported from its codegen", () => {
  it("names Python inputs as PyName does (cases from pkg/codegen/python/python_test.go)", () => {
    const cases: [string, string][] = [
      ["kubeletConfigKey", "kubelet_config_key"],
      ["podCIDR", "pod_cidr"],
      ["podCIDRs", "pod_cidrs"],
      ["podIPs", "pod_ips"],
      ["nonResourceURLs", "non_resource_urls"],
      ["someTHINGsAREWeird", "some_things_are_weird"],
      ["podCIDRSet", "pod_cidr_set"],
      ["Sha256Hash", "sha256_hash"],
      ["SHA256Hash", "sha256_hash"],
      ["proj:config", "proj_config"],
      ["tiktokClientKey", "tiktok_client_key"],
      ["lambdaMemoryMb", "lambda_memory_mb"],
    ];
    expect(cases.map(([name]) => [name, pyName(name)])).toEqual(cases);
    expect(PYTHON.input("opts")).toBe("opts_");
  });

  it("names enum members as makeSafeEnumName does (cases from pkg/codegen/{python,nodejs}/utilities_test.go)", () => {
    const cases: [string, string, string][] = [
      ["red", "RED", "Red"],
      ["snake_cased_name", "SNAKE_CASED_NAME", "Snake_cased_name"],
      ["*", "ASTERISK", "Asterisk"],
      ["0", "ZERO", "Zero"],
      ["8.3", "TYPE_NAME_8_3", "TypeName_8_3"],
      ["11", "TYPE_NAME_11", "TypeName_11"],
      ["Microsoft-Windows-Shell-Startup", "MICROSOFT_WINDOWS_SHELL_STARTUP", "Microsoft_Windows_Shell_Startup"],
      ["Microsoft.Batch", "MICROSOFT_BATCH", "Microsoft_Batch"],
      ["SystemAssigned, UserAssigned", "SYSTEM_ASSIGNED_USER_ASSIGNED", "SystemAssigned_UserAssigned"],
      ["Dev(NoSLA)_Standard_D11_v2", "DEV_NO_SL_A_STANDARD_D11_V2", "Dev_NoSLA_Standard_D11_v2"],
      ["Standard_E8as_v4+1TB_PS", "STANDARD_E8AS_V4_1_T_B_PS", "Standard_E8as_v4_1TB_PS"],
      ["UserInfoBasic", "USER_INFO_BASIC", "UserInfoBasic"],
      ["A", "A", "A"],
    ];
    expect(
      cases.map(([name]) => [name, PYTHON.enumMember(name, "TypeName"), NODEJS.enumMember(name, "TypeName")]),
    ).toEqual(cases);
  });

  it("names the SDK after the git source's owner, the namespace the CLI infers", () => {
    expect(sdkNames("github.com/Your-Org/tiktok-auth0/component", "tiktok-auth0")).toEqual({
      namespace: "your-org",
      npm: "@your-org/tiktok-auth0",
      python: "your_org_tiktok_auth0",
      dir: "sdks/your-org-tiktok-auth0",
    });
  });
});

describe("the input checker", () => {
  const lit = (value: string | number | boolean): Value => ({ kind: "literal", value });
  const secret: Value = { kind: "typed", type: "string", plain: false, text: "a secret" };
  const base = () =>
    new Map<string, Value>([
      ["tiktokClientKey", lit("key")],
      ["tiktokClientSecret", secret],
    ]);

  it("accepts the required inputs alone", () => {
    expect(checkInputs(schema, YAML_NAMING, base())).toEqual([]);
  });

  it.each<[string, [string, Value], RegExp]>([
    ["an unknown input", ["tiktokClientId", lit("x")], /tiktokClientId is not an input/],
    ["a wrong type", ["lambdaMemoryMb", lit("256")], /lambdaMemoryMb: "256" is a string, not a number/],
    ["a value outside an enum", ["userIdField", lit("email")], /"email" is not one of UserIdField's values/],
    [
      "a list where a string goes",
      ["displayName", { kind: "array", items: [] }],
      /displayName: \[\] is a list, not a string/,
    ],
    [
      "a wrong list item",
      ["scopes", { kind: "array", items: [lit("user.info.basic"), lit("video.list")] }],
      /scopes\[1\]/,
    ],
    ["an output given to a plain input", ["connectionName", { kind: "output", text: "${app.name}" }], /is plain/],
    ["a secret given to a plain input", ["tiktokClientKey", secret], /tiktokClientKey is plain/],
    ["an expression it cannot judge", ["alarmEmail", { kind: "unknown", text: "f(x)" }], /cannot tell/],
  ])("reports %s", (_, [name, value], expected) => {
    const problems = checkInputs(schema, YAML_NAMING, base().set(name, value));
    expect(problems).toEqual([expect.stringMatching(expected)]);
  });

  it("reports a missing required input", () => {
    const props = base();
    props.delete("tiktokClientSecret");
    expect(checkInputs(schema, YAML_NAMING, props)).toEqual(["the required input tiktokClientSecret is missing"]);
  });
});

describe("examples/yaml/Pulumi.yaml", () => {
  const text = read("examples/yaml/Pulumi.yaml");

  it("sets only TikTokLogin's inputs, with the schema's types, and reads only its outputs", () => {
    expect(checkYamlProgram(schema, parseYamlProgram(text))).toEqual([]);
  });

  it("passes an explicit aws and auth0 provider, declared in the file, and the client secret from secret config", () => {
    const program = parseYamlProgram(text);
    const resources = program.resources ?? {};
    const login = Object.values(resources).find((resource) => resource.type === "tiktok-auth0:index:TikTokLogin");
    const providerTypes = ((login?.options?.providers as string[] | undefined) ?? []).map(
      (ref) => resources[ref.replace(/^\$\{|\}$/g, "")]?.type,
    );
    expect(providerTypes.sort()).toEqual(["pulumi:providers:auth0", "pulumi:providers:aws"]);
    expect(login?.properties?.tiktokClientSecret).toBe("${tiktokClientSecret}");
    expect(program.config?.tiktokClientSecret).toMatchObject({ type: "string", secret: true });
  });

  const broken = (edit: (program: ReturnType<typeof parseYamlProgram>) => void) => {
    const program = parseYamlProgram(text);
    edit(program);
    return checkYamlProgram(schema, program);
  };
  const login = (program: ReturnType<typeof parseYamlProgram>) => {
    const resource = program.resources?.tiktok;
    if (resource?.properties === undefined) throw new Error("examples/yaml has no resource tiktok with properties");
    return resource as { properties: Record<string, unknown>; options?: Record<string, unknown> };
  };

  it.each<[string, (program: ReturnType<typeof parseYamlProgram>) => void, RegExp]>([
    ["an unknown property", (p) => (login(p).properties.clientKey = "x"), /clientKey is not an input/],
    ["a wrong type", (p) => (login(p).properties.monitoring = "yes"), /monitoring: "yes" is a string, not a boolean/],
    ["a missing required input", (p) => delete login(p).properties.tiktokClientKey, /required input tiktokClientKey/],
    ["a bad enum value", (p) => (login(p).properties.runtime = "nodejs20.x"), /not one of LambdaRuntime's values/],
    [
      "a config of the wrong declared type",
      (p) => (p.config = { ...p.config, enabledClients: { type: "string" } }),
      /enabledClients: \$\{enabledClients\} is not a list/,
    ],
    [
      "a secret config given to a plain input",
      (p) => (p.config = { ...p.config, tiktokClientKey: { type: "string", secret: true } }),
      /tiktokClientKey is plain/,
    ],
    [
      "a resource output given to a plain input",
      (p) => (login(p).properties.enabledClients = ["${awsProvider.region}"]),
      /enabledClients\[0\] is plain/,
    ],
    [
      "fn::secret given to a plain input",
      (p) => (login(p).properties.displayName = { "fn::secret": "TikTok" }),
      /displayName is plain/,
    ],
    ["a reference to nothing", (p) => (login(p).properties.alarmEmail = "${alarmEmail}"), /names nothing/],
    [
      "an output that is not in the schema",
      (p) => (p.outputs = { url: "${tiktok.url}" }),
      /\$\{tiktok\.url\} is not an output/,
    ],
    ["providers as a map", (p) => (login(p).options = { providers: { aws: "${awsProvider}" } }), /must be a list/],
    [
      "a provider not declared",
      (p) => (login(p).options = { providers: ["${gcpProvider}"] }),
      /not a provider declared/,
    ],
  ])("catches %s", (_, edit, expected) => {
    expect(broken(edit)).toEqual([expect.stringMatching(expected)]);
  });

  it("catches a program with no TikTokLogin", () => {
    expect(broken((p) => (p.resources = {}))).toEqual(["no resource of type tiktok-auth0:index:TikTokLogin"]);
  });
});

/**
 * Python's own parser reads the Python example (python3 is on GitHub's ubuntu runners and on the
 * machines this repository's CI runs on; node-gyp needs it too). Without python3 the test fails
 * with that reason rather than passing unchecked.
 */
describe("examples/python/__main__.py", () => {
  const python = python3();
  const read3 = (source: string) => {
    if (python === undefined)
      throw new Error("these checks read Python with python3 (3.9 or later), which is not on PATH");
    return readPythonProgram(source, python);
  };
  const source = read("examples/python/__main__.py");
  const sdk = sdkNames(packageSource("python"), schema.name);

  it("imports the SDK `pulumi package add` generates for the Pulumi.yaml source", () => {
    expect(read3(source).imports).toContainEqual({ module: sdk.python, alias: "tiktok" });
  });

  it("passes only TikTokLogin's inputs, in snake_case, with the schema's types and enum members", () => {
    const program = read3(source);
    expect(program.calls).toHaveLength(1);
    expect(checkPythonProgram(schema, program, sdk.python)).toEqual([]);
  });

  it("passes the aws and auth0 providers by package name", () => {
    const opts = read3(source).calls[0]?.kwargs.find((kwarg) => kwarg.name === "opts")?.value;
    const providers =
      opts?.kind === "call" ? opts.kwargs.find((kwarg) => kwarg.name === "providers")?.value : undefined;
    const keys =
      providers?.kind === "dict" ? providers.keys.map((key) => (key?.kind === "const" ? key.value : null)) : [];
    expect(keys.sort()).toEqual(["auth0", "aws"]);
  });

  const withCall = (replace: (call: string) => string) => {
    const start = source.indexOf("login = tiktok.TikTokLogin(");
    const end = source.indexOf("\n)\n", start) + 3;
    return source.slice(0, start) + replace(source.slice(start, end)) + source.slice(end);
  };
  it.each<[string, (call: string) => string, RegExp]>([
    ["an unknown keyword", (c) => c.replace("monitoring=True", "monitor=True"), /monitor is not an input/],
    [
      "a camelCase keyword",
      (c) => c.replace("log_retention_days=", "logRetentionDays="),
      /logRetentionDays is not an input/,
    ],
    [
      "a wrong type",
      (c) => c.replace("log_retention_days=30", 'log_retention_days="30"'),
      /"30" is a string, not a number/,
    ],
    [
      "a missing required input",
      (c) => c.replace(/ {4}tiktok_client_key=.*\n/, ""),
      /required input tiktok_client_key/,
    ],
    [
      "a bad enum member",
      (c) => c.replace("TikTokScope.USER_INFO_BASIC", "TikTokScope.UserInfoBasic"),
      /no member UserInfoBasic in Python/,
    ],
    [
      "a member of the wrong enum",
      (c) => c.replace("UserIdField.UNION_ID", "LambdaRuntime.NODEJS22"),
      /not a member of UserIdField/,
    ],
    [
      "a secret given to a plain input",
      (c) => c.replace('config.require("tiktokClientKey")', 'config.require_secret("tiktokClientKey")'),
      /tiktok_client_key is plain/,
    ],
    [
      "a resource output given to a plain input",
      (c) => c.replace('"tiktok",\n', '"tiktok",\n    display_name=aws_provider.region,\n'),
      /display_name is plain/,
    ],
    [
      "an expression it cannot judge",
      (c) => c.replace("log_retention_days=30", "log_retention_days=days"),
      /cannot tell the type of days/,
    ],
  ])("catches %s", (_, edit, expected) => {
    const broken = withCall(edit);
    expect(broken).not.toBe(source);
    expect(checkPythonProgram(schema, read3(broken), sdk.python)).toEqual([expect.stringMatching(expected)]);
  });

  it("catches a program that imports another SDK name", () => {
    const broken = source.replace(`import ${sdk.python} as tiktok`, "import pulumi_tiktok_auth0 as tiktok");
    expect(checkPythonProgram(schema, read3(broken), sdk.python)).toEqual([
      `the program does not import ${sdk.python}, the generated SDK`,
    ]);
  });
});

describe("examples/typescript/index.ts", () => {
  const source = read("examples/typescript/index.ts");
  const packageJson = JSON.parse(read("examples/typescript/package.json")) as { dependencies: Record<string, string> };
  const sdk = sdkNames(packageSource("typescript"), schema.name);

  it("depends on the SDK where `pulumi package add` links it: file:sdks/<namespace>-<name>", () => {
    expect(packageJson.dependencies[sdk.npm]).toBe(`file:${sdk.dir}`);
  });

  it("creates TikTokLogin with only its inputs, with the schema's types and enum members", () => {
    expect(checkTypeScriptProgram(schema, readTypeScriptProgram(source), sdk.npm)).toEqual([]);
  });

  it("passes the aws and auth0 providers by package name", () => {
    expect(source).toMatch(/\{ providers: \{ aws: awsProvider, auth0: auth0Provider \} \}/);
  });

  const withCall = (replace: (call: string) => string) => {
    const start = source.indexOf("const login = new tiktokAuth0.TikTokLogin(");
    const end = source.indexOf("\n);\n", start) + 4;
    return source.slice(0, start) + replace(source.slice(start, end)) + source.slice(end);
  };
  it.each<[string, (call: string) => string, RegExp]>([
    ["an unknown property", (c) => c.replace("monitoring: true", "monitor: true"), /monitor is not an input/],
    [
      "a snake_case property",
      (c) => c.replace("logRetentionDays:", "log_retention_days:"),
      /log_retention_days is not an input/,
    ],
    ["a wrong type", (c) => c.replace("monitoring: true", 'monitoring: "true"'), /"true" is a string, not a boolean/],
    ["a missing required input", (c) => c.replace(/ {4}tiktokClientKey: .*\n/, ""), /required input tiktokClientKey/],
    [
      "a bad enum member",
      (c) => c.replace("TikTokScope.UserInfoBasic", "TikTokScope.USER_INFO_BASIC"),
      /no member USER_INFO_BASIC in TypeScript/,
    ],
    [
      "a secret given to a plain input",
      (c) => c.replace('config.require("tiktokClientKey")', 'config.requireSecret("tiktokClientKey")'),
      /tiktokClientKey is plain/,
    ],
    [
      "a resource output given to a plain input",
      (c) => c.replace("monitoring: true", "monitoring: true,\n    displayName: awsProvider.region"),
      /displayName is plain/,
    ],
    [
      "a spread it cannot check",
      (c) => c.replace("monitoring: true", "monitoring: true,\n    ...extra"),
      /\.\.\.extra cannot be checked/,
    ],
  ])("catches %s", (_, edit, expected) => {
    const broken = withCall(edit);
    expect(broken).not.toBe(source);
    expect(checkTypeScriptProgram(schema, readTypeScriptProgram(broken), sdk.npm)).toEqual([
      expect.stringMatching(expected),
    ]);
  });

  it("catches a program that imports another SDK name", () => {
    const broken = source.replace(`from "${sdk.npm}"`, 'from "@pulumi/tiktok-auth0"');
    expect(checkTypeScriptProgram(schema, readTypeScriptProgram(broken), sdk.npm)).toEqual([
      `the program does not import * as ... from "${sdk.npm}", the generated SDK`,
    ]);
  });
});
