import * as pulumi from "@pulumi/pulumi";
import path from "node:path";
import { buildProxyBundle, PROXY_BUNDLE_FILE } from "../../scripts/proxy-bundle";
import {
  defaultFunctionName,
  lambdaTimeoutSeconds,
  sharedSecretsVariable,
  TokenProxy,
  tokenUrlFromFunctionUrl,
} from "../../component/token-proxy";
import {
  installMocks,
  isSecretValue,
  onlyResourceOfType,
  promiseOf,
  recordingMocks,
  Recorder,
  TYPES,
} from "./support/pulumi-mocks";

describe("defaultFunctionName", () => {
  it("is <project>-<stack>-token-proxy", () => {
    expect(defaultFunctionName("tiktok-auth0", "dev")).toBe("tiktok-auth0-dev-token-proxy");
  });

  it("replaces characters Lambda rejects in function names, such as the dots stack names may have", () => {
    expect(defaultFunctionName("tiktok-auth0", "prod.eu")).toBe("tiktok-auth0-prod-eu-token-proxy");
  });

  it("shortens a name above Lambda's 64 characters, keeping stacks apart with a hash", () => {
    const a = defaultFunctionName("tiktok-auth0", `a-very-long-stack-name-for-${"x".repeat(40)}-one`);
    const b = defaultFunctionName("tiktok-auth0", `a-very-long-stack-name-for-${"x".repeat(40)}-two`);
    expect(a.length).toBe(64);
    expect(b.length).toBe(64);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^tiktok-auth0-a-very-long-stack-name-for-x+-[0-9a-f]{8}$/);
    expect(defaultFunctionName("tiktok-auth0", `a-very-long-stack-name-for-${"x".repeat(40)}-one`)).toBe(a);
  });
});

describe("tokenUrlFromFunctionUrl", () => {
  it.each([
    ["https://abc123.lambda-url.us-east-1.on.aws/", "https://abc123.lambda-url.us-east-1.on.aws/proxy/token"],
    ["https://abc123.lambda-url.us-east-1.on.aws", "https://abc123.lambda-url.us-east-1.on.aws/proxy/token"],
    ["https://abc123.lambda-url.us-east-1.on.aws//", "https://abc123.lambda-url.us-east-1.on.aws/proxy/token"],
  ])("joins %s and /proxy/token with exactly one slash", (functionUrl, expected) => {
    expect(tokenUrlFromFunctionUrl(functionUrl)).toBe(expected);
  });
});

describe("sharedSecretsVariable", () => {
  it("joins the accepted secrets with commas, in the order given", () => {
    expect(sharedSecretsVariable(["SlotA0123", "SlotB4567"])).toBe("SlotA0123,SlotB4567");
    expect(sharedSecretsVariable(["SlotB4567", "SlotA0123"])).toBe("SlotB4567,SlotA0123");
  });

  it("leaves a single secret as it is, as the proxy has always read it", () => {
    expect(sharedSecretsVariable(["OnlyOne0123"])).toBe("OnlyOne0123");
  });

  it.each([
    ["an empty secret", ["SlotA0123", ""]],
    ["a secret with a comma", ["Slot,A0123"]],
    ["a secret with surrounding whitespace", [" SlotA0123"]],
  ])("refuses %s, which the proxy could not read back, naming its index but not its value", (_label, secrets) => {
    const error = (() => {
      try {
        sharedSecretsVariable(secrets);
      } catch (err) {
        return String(err);
      }
      return "no error";
    })();
    expect(error).toMatch(/acceptedSharedSecrets\[\d\] is empty, contains a comma, or starts or ends with whitespace/);
    for (const secret of secrets.filter((s) => s.trim() !== "")) expect(error).not.toContain(secret.trim());
  });

  it("refuses an empty list, which would leave the proxy open", () => {
    expect(() => sharedSecretsVariable([])).toThrow("acceptedSharedSecrets is empty");
  });
});

describe("lambdaTimeoutSeconds", () => {
  it.each([
    [1, 4],
    [5000, 8],
    [5001, 9],
    [30000, 33],
  ])("gives a TikTok deadline of %i ms a function timeout of %i s", (ms, seconds) => {
    expect(lambdaTimeoutSeconds(ms)).toBe(seconds);
    expect(seconds * 1000).toBeGreaterThan(ms);
  });
});

describe("TokenProxy", () => {
  let recorder: Recorder;
  let proxy: TokenProxy;
  let missingBundleError: unknown;
  let noSecretsError: unknown;

  beforeAll(async () => {
    recorder = recordingMocks();
    await installMocks(recorder);
    buildProxyBundle();
    proxy = new TokenProxy("proxy", {
      bundleFile: PROXY_BUNDLE_FILE,
      tiktokClientKey: "awkey",
      // Plain strings: the component itself must make them secret.
      acceptedSharedSecrets: ["plainSharedSecretSlotA", "plainSharedSecretSlotB"],
      tiktokTimeoutMs: 2000,
      runtime: "nodejs22.x",
      memoryMb: 128,
      logRetentionDays: 7,
      functionName: "custom-proxy-name",
    });
    try {
      new TokenProxy("without-bundle", {
        bundleFile: path.join(__dirname, "no-such-dir", "index.js"),
        tiktokClientKey: "awkey",
        acceptedSharedSecrets: ["s"],
        tiktokTimeoutMs: 2000,
        runtime: "nodejs22.x",
        memoryMb: 128,
        logRetentionDays: 7,
      });
    } catch (err) {
      missingBundleError = err;
    }
    try {
      new TokenProxy("without-secrets", {
        bundleFile: PROXY_BUNDLE_FILE,
        tiktokClientKey: "awkey",
        acceptedSharedSecrets: [],
        tiktokTimeoutMs: 2000,
        runtime: "nodejs22.x",
        memoryMb: 128,
        logRetentionDays: 7,
      });
    } catch (err) {
      noSecretsError = err;
    }
    await pulumi.runtime.disconnect();
  });

  it("gives the function every accepted secret, comma-separated, in PROXY_SHARED_SECRET", () => {
    const environment = onlyResourceOfType(recorder.resources, TYPES.function).inputs.environment as {
      variables: Record<string, unknown>;
    };
    expect(environment.variables.PROXY_SHARED_SECRET).toBe("plainSharedSecretSlotA,plainSharedSecretSlotB");
  });

  it("refuses an empty list of accepted secrets before creating any resource in it, since the URL would be open to anyone", () => {
    expect(String(noSecretsError)).toContain(
      "acceptedSharedSecrets is empty, which would leave the public function URL open to anyone",
    );
    const created = recorder.resources.filter((resource) => resource.name.startsWith("without-secrets"));
    expect(created.map((resource) => resource.type)).toEqual(["tiktok-auth0:index:TokenProxy"]);
  });

  it("makes the shared secrets secret in the environment even when given plain strings", () => {
    const environment = onlyResourceOfType(recorder.resources, TYPES.function).serialized.environment as {
      variables: Record<string, unknown>;
    };
    expect(isSecretValue(environment.variables.PROXY_SHARED_SECRET)).toBe(true);
    expect(isSecretValue(environment.variables.TIKTOK_CLIENT_KEY)).toBe(false);
  });

  it("logs JSON to its log group, with application and system log levels set so Lambda filters by level", async () => {
    const loggingConfig = onlyResourceOfType(recorder.resources, TYPES.function).inputs.loggingConfig;
    expect(loggingConfig).toEqual({
      logFormat: "JSON",
      logGroup: await promiseOf(proxy.logGroupName),
      applicationLogLevel: "INFO",
      systemLogLevel: "INFO",
    });
  });

  it("uses the function name it is given, for the function and its log group", async () => {
    expect(onlyResourceOfType(recorder.resources, TYPES.function).inputs.name).toBe("custom-proxy-name");
    expect(await promiseOf(proxy.logGroupName)).toBe("/aws/lambda/custom-proxy-name");
  });

  it("parents every resource it creates to itself", async () => {
    const proxyUrn = await promiseOf(proxy.urn);
    const children = recorder.resources.filter((resource) => resource.type !== "tiktok-auth0:index:TokenProxy");
    expect(children.map((child) => child.type).sort()).toEqual(
      [
        TYPES.role,
        TYPES.logGroup,
        TYPES.rolePolicy,
        TYPES.rolePoliciesExclusive,
        TYPES.rolePolicyAttachmentsExclusive,
        TYPES.function,
        TYPES.functionUrl,
        TYPES.permission,
        TYPES.permission,
      ].sort(),
    );
    for (const child of children) expect(child.parent).toBe(proxyUrn);
  });

  it("owns the role's policies: its one inline policy is the log policy, and no managed policy is attached", async () => {
    // Without these, a policy attached or put by hand is never seen: the role does not compare them.
    const roleUrn = await promiseOf(proxy.role.urn);
    const logPolicyUrn = await promiseOf(proxy.logPolicy.urn);
    const inline = onlyResourceOfType(recorder.resources, TYPES.rolePoliciesExclusive);
    const managed = onlyResourceOfType(recorder.resources, TYPES.rolePolicyAttachmentsExclusive);
    expect(inline.inputs).toEqual({ roleName: "proxy-role", policyNames: ["proxy-logs"] });
    expect(managed.inputs).toEqual({ roleName: "proxy-role", policyArns: [] });
    // Through the log policy's name, so it is created after it (an input link, not only an order).
    expect(inline.options.propertyDependencies.policyNames).toEqual([logPolicyUrn]);
    expect(inline.options.propertyDependencies.roleName).toEqual([roleUrn]);
  });

  it("adds both permissions only after the function URL exists, whose own AddPermission calls are outside the provider's lock", async () => {
    // terraform-provider-aws serializes aws_lambda_permission's AddPermission calls per function with a
    // lock, because parallel calls can drop statements (internal/service/lambda/permission.go,
    // resourcePermissionCreate); the function URL's create adds its statements without that lock
    // (function_url.go, resourceFunctionURLCreate). dependsOn orders them; no input links them.
    const urlUrn = await promiseOf(proxy.functionUrl.urn);
    const permissions = recorder.resources.filter(
      (resource) => resource.type === TYPES.permission && resource.name.startsWith("proxy-"),
    );
    expect(permissions.map((permission) => permission.name).sort()).toEqual([
      "proxy-invoke-via-url",
      "proxy-public-url",
    ]);
    for (const permission of permissions) {
      expect(permission.options.dependencies).toContain(urlUrn);
      expect(Object.values(permission.options.propertyDependencies).flat()).not.toContain(urlUrn);
    }
  });

  it("refuses to start without a built bundle, and says how to build it", () => {
    expect(String(missingBundleError)).toContain("In a checkout of tiktok-auth0, run `npm run build`");
  });
});
