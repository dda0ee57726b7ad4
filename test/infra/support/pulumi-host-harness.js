"use strict";
/**
 * Loads the Pulumi program the way the Pulumi Node.js language host does
 * (@pulumi/pulumi/cmd/run/run.js, CommonJS branch), against mocks, and prints what it registered.
 *
 *   node pulumi-host-harness.js [program]   (default: Pulumi.yaml's `main`)
 *
 * Plain JavaScript on purpose: it must run before ts-node is registered, exactly like run.js.
 * Prints one JSON line {types, outputs} on success. On failure exits 1 and prints the error the way
 * run.js reports it: a pulumi.RunError as its message alone, anything else as an "unhandled
 * exception" with its stack. HARNESS_CONFIG (JSON) replaces the stack config.
 */
const fs = require("node:fs");
const path = require("node:path");

const repoRoot = path.resolve(__dirname, "..", "..", "..");
// The host runs in the project directory, where Pulumi.yaml and tsconfig.json are.
process.chdir(repoRoot);

// 1. ts-node as run.js registers it: the project's typescript and ts-node, the project's
//    tsconfig.json, its compilerOptions over the host's defaults, and type checking unless the
//    tsconfig sets noCheck (ts-node's default when transpileOnly is undefined: it type-checks).
const ts = require("typescript");
const tsConfigPath = "tsconfig.json";
const compilerOptions =
  ts.parseConfigFileTextToJson(tsConfigPath, fs.readFileSync(tsConfigPath, "utf8")).config.compilerOptions ?? {};
const [major, minor] = ts.version.split(".").map(Number);
const useNodeNext = major > 4 || (major === 4 && minor >= 7); // run.js: nodenext from TypeScript 4.7
require("ts-node").register({
  compiler: "typescript",
  transpileOnly: compilerOptions.noCheck,
  project: tsConfigPath,
  skipProject: false,
  compilerOptions: {
    target: "ES2020",
    module: useNodeNext ? "nodenext" : "commonjs",
    moduleResolution: useNodeNext ? "nodenext" : "node",
    sourceMap: "true",
    ...compilerOptions,
  },
});

// 2. The program: the argument, else `main` from Pulumi.yaml, required as a directory like run.js does.
const main = process.argv[2] ?? /^main:\s*(\S+)\s*$/m.exec(fs.readFileSync("Pulumi.yaml", "utf8"))?.[1];
if (!main) throw new Error("Pulumi.yaml has no `main:`");
let program = path.resolve(repoRoot, main);
if (fs.statSync(program).isDirectory() && !program.endsWith("/")) program += "/";

const pulumi = require("@pulumi/pulumi");

const types = [];
const mocks = {
  newResource({ type, name, inputs }) {
    types.push(type);
    const computed = {
      "aws:lambda/functionUrl:FunctionUrl": { functionUrl: "https://harness.lambda-url.eu-west-1.on.aws/" },
      "aws:iam/role:Role": { arn: `arn:aws:iam::123456789012:role/${name}` },
      "aws:cloudwatch/logGroup:LogGroup": { arn: `arn:aws:logs:eu-west-1:123456789012:log-group:${inputs.name}` },
      "random:index/randomPassword:RandomPassword": { result: "HarnessSharedSecret0123456789abcdefghijklmn" },
    }[type];
    return { id: `${name}-id`, state: { ...inputs, ...computed } };
  },
  call({ token, inputs }) {
    if (token === "aws:index/getRegion:getRegion") return { name: "eu-west-1", region: "eu-west-1", id: "eu-west-1" };
    // An empty tenant, as the provider answers a lookup by name there (the engine passes the message as `details`).
    if (token === "auth0:index/getConnection:getConnection" && inputs.name !== undefined) {
      const message = `No connection found with "name" = ${JSON.stringify(inputs.name)}`;
      throw Object.assign(new Error(message), { details: message });
    }
    throw new Error(`Mock call not implemented: ${token}`);
  },
};

async function main_() {
  await pulumi.runtime.setMocks(mocks, "tiktok-auth0", "harness");
  const config = process.env.HARNESS_CONFIG
    ? JSON.parse(process.env.HARNESS_CONFIG)
    : {
        "auth0:domain": "harness-tenant.eu.auth0.com",
        "tiktok-auth0:tiktokClientKey": "awharnesskey",
        "tiktok-auth0:tiktokClientSecret": "harness-client-secret",
      };
  pulumi.runtime.setAllConfig(config, ["tiktok-auth0:tiktokClientSecret"]);
  // run.js: a function is called, and whatever comes back (a promise, for this program) is awaited;
  // what it resolves to becomes the stack outputs.
  const programExport = require(program);
  const programExports = await (programExport instanceof Function ? programExport() : programExport);
  await pulumi.runtime.disconnect();
  const outputs = {};
  for (const [key, value] of Object.entries(programExports)) {
    outputs[key] = pulumi.Output.isInstance(value) ? await new Promise((resolve) => value.apply(resolve)) : value;
  }
  process.stdout.write(`${JSON.stringify({ types, outputs })}\n`);
}

main_().catch((err) => {
  // run.js's uncaughtHandler: only a RunError hides its stack.
  const report = pulumi.RunError.isInstance(err)
    ? err.message
    : `Running program '${program}' failed with an unhandled exception:\n${err && err.stack ? err.stack : String(err)}`;
  process.stderr.write(`${report}\n`);
  process.exit(1);
});
