import * as pulumi from "@pulumi/pulumi";
import fs from "node:fs";
import path from "node:path";
import { LAMBDA_BUNDLE_FILE } from "../../component/token-proxy";
import { REPO_ROOT } from "../../scripts/proxy-bundle";
import { FETCH_USER_PROFILE_SCRIPT_FILE } from "../../component/profile-script";
import {
  GET_CONNECTION,
  isSecretValue,
  MOCK_FUNCTION_URL,
  MOCK_REGION,
  mockRandomPassword,
  onlyResourceOfType,
  promiseOf,
  RecordedResource,
  Recorder,
  Program,
  REQUIRED_CONFIG,
  resourcesOfType,
  runProgram,
  SECRET_KEYS,
  TYPES,
} from "./support/pulumi-mocks";
import type { ConnectionInputs as LoginConnectionInputs } from "../support/login-stack";

/**
 * The whole program, with only the required configuration and a list of enabled clients: every
 * other setting takes its default. Another file runs it with every optional setting.
 */

/** What a login needs (shared with the end-to-end test), plus what only the dashboard shows. */
interface ConnectionInputs extends LoginConnectionInputs {
  displayName: string;
  options: LoginConnectionInputs["options"] & { iconUrl: string; setUserRootAttributes: string };
}

interface FunctionInputs {
  name: string;
  role: string;
  handler: string;
  runtime: string;
  architectures: string[];
  memorySize: number;
  timeout: number;
  reservedConcurrentExecutions?: number;
  loggingConfig: { logFormat: string; logGroup: string };
  environment: { variables: Record<string, string> };
  code: { assets: Promise<Record<string, { path: Promise<string> }>> };
}

interface PolicyDocument {
  Version: string;
  Statement: { Effect: string; Action: string | string[]; Resource?: string | string[]; Principal?: unknown }[];
}

interface PermissionInputs {
  action: string;
  function: string;
  principal: string;
  functionUrlAuthType?: string;
  invokedViaFunctionUrl?: boolean;
  statementId?: string;
}

interface AlarmInputs {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  alarmActions?: string[];
}

const ENABLED_CLIENTS = ["clientIdOfTheWebApp", "clientIdOfTheMobileApp"];
const TIKTOK_CLIENT_KEY = REQUIRED_CONFIG["tiktok-auth0:tiktokClientKey"];
const TIKTOK_CLIENT_SECRET = REQUIRED_CONFIG["tiktok-auth0:tiktokClientSecret"];

let run: Recorder & { program: Program };

beforeAll(async () => {
  run = await runProgram(
    { ...REQUIRED_CONFIG, "tiktok-auth0:enabledClients": JSON.stringify(ENABLED_CLIENTS) },
    SECRET_KEYS,
  );
});

const only = (type: string): RecordedResource => onlyResourceOfType(run.resources, type);
const connection = () => only(TYPES.connection).inputs as unknown as ConnectionInputs;
const lambda = () => only(TYPES.function).inputs as unknown as FunctionInputs;
const permissions = () =>
  resourcesOfType(run.resources, TYPES.permission).map((p) => p.inputs as unknown as PermissionInputs);

describe("the Auth0 connection", () => {
  it("points the token endpoint at the function URL followed by /proxy/token", async () => {
    // The mock's function URL (MOCK_FUNCTION_URL, which ends with "/") plus the proxy's path, one slash between.
    expect(MOCK_FUNCTION_URL).toBe("https://abc123.lambda-url.us-east-1.on.aws/");
    const expected = "https://abc123.lambda-url.us-east-1.on.aws/proxy/token";
    expect(connection().options.tokenEndpoint).toBe(expected);
    expect(await promiseOf(run.program.tokenUrl)).toBe(expected);
  });

  it("sends TikTok's client_key to the authorize URL as compact upstream_params JSON", () => {
    expect(connection().options.upstreamParams).toBe(`{"client_key":{"value":"${TIKTOK_CLIENT_KEY}"}}`);
  });

  it("uses TikTok's v2 authorize endpoint and the client key as the client ID", () => {
    const inputs = connection();
    expect(inputs.strategy).toBe("oauth2");
    expect(inputs.options.authorizationEndpoint).toBe("https://www.tiktok.com/v2/auth/authorize/");
    expect(inputs.options.clientId).toBe(TIKTOK_CLIENT_KEY);
    expect(inputs.options.clientSecret).toBe(TIKTOK_CLIENT_SECRET);
  });

  it("asks for user.info.basic alone by default, as one scope element", () => {
    expect(connection().options.scopes).toEqual(["user.info.basic"]);
  });

  it("is named TikTok, shows TikTok, and carries an https icon", () => {
    const inputs = connection();
    expect(inputs.name).toBe("TikTok");
    expect(inputs.displayName).toBe("TikTok");
    expect(new URL(inputs.options.iconUrl).protocol).toBe("https:");
  });

  it("updates root attributes on each login and leaves PKCE off", () => {
    expect(connection().options.setUserRootAttributes).toBe("on_each_login");
    expect(connection().options.pkceEnabled).toBe(false);
  });

  it("uploads the profile script file exactly as it is in the repository", () => {
    const script = fs.readFileSync(FETCH_USER_PROFILE_SCRIPT_FILE, "utf8");
    expect(connection().options.scripts).toEqual({ fetchUserProfile: script });
  });

  it("marks the client secret and the proxy secret header as secrets, and nothing else in options", () => {
    const options = only(TYPES.connection).serialized.options as Record<string, unknown>;
    expect(isSecretValue(options.clientSecret)).toBe(true);
    const [header] = options.customHeaders as Record<string, unknown>[];
    expect(header.header).toBe("x-proxy-secret");
    expect(isSecretValue(header.value)).toBe(true);
    expect(isSecretValue(options.clientId)).toBe(false);
    expect(isSecretValue(options.tokenEndpoint)).toBe(false);
  });

  it("enables exactly the configured applications, through one ConnectionClients and no ConnectionClient", () => {
    const clients = only(TYPES.connectionClients);
    expect(clients.inputs.enabledClients).toEqual(ENABLED_CLIENTS);
    expect(clients.inputs.connectionId).toBe(`${only(TYPES.connection).name}-id`);
    expect(resourcesOfType(run.resources, TYPES.connectionClient)).toHaveLength(0);
  });
});

describe("the shared secret", () => {
  // The mock gives each RandomPassword a value derived from its name (see mockRandomPassword).
  const SLOT_A = mockRandomPassword("tiktok-proxy-shared-secret-a");
  const SLOT_B = mockRandomPassword("tiktok-proxy-shared-secret-b");
  const proxySecretHeaders = () => connection().options.customHeaders.filter((h) => h.header === "x-proxy-secret");

  it("is generated by the stack in two slots, a and b, each 48 characters without special characters", () => {
    const slots = resourcesOfType(run.resources, TYPES.randomPassword);
    expect(slots.map((slot) => slot.name).sort()).toEqual([
      "tiktok-proxy-shared-secret-a",
      "tiktok-proxy-shared-secret-b",
    ]);
    for (const slot of slots) expect(slot.inputs).toMatchObject({ length: 48, special: false });
    expect(SLOT_A).not.toBe(SLOT_B);
  });

  it("is sent by the connection from the active slot, a by default, and never from the other", () => {
    expect(proxySecretHeaders()).toEqual([{ header: "x-proxy-secret", value: SLOT_A }]);
    expect(JSON.stringify(connection())).not.toContain(SLOT_B);
  });

  it("is accepted by the Lambda from both slots, comma-separated, a first", () => {
    expect(lambda().environment.variables.PROXY_SHARED_SECRET).toBe(`${SLOT_A},${SLOT_B}`);
  });

  it("stays secret in the Lambda environment", () => {
    const environment = only(TYPES.function).serialized.environment as { variables: Record<string, unknown> };
    expect(isSecretValue(environment.variables.PROXY_SHARED_SECRET)).toBe(true);
  });
});

describe("the Lambda function", () => {
  it("runs the committed bundle beside the component, component/lambda/index.js with its map", async () => {
    const assets = await lambda().code.assets;
    expect(Object.keys(assets).sort()).toEqual(["index.js", "index.js.map"]);
    expect(await assets["index.js"].path).toBe(LAMBDA_BUNDLE_FILE);
    expect(await assets["index.js.map"].path).toBe(`${LAMBDA_BUNDLE_FILE}.map`);
    expect(path.relative(REPO_ROOT, LAMBDA_BUNDLE_FILE)).toBe(path.join("component", "lambda", "index.js"));
    // The artifact really is the Lambda entry point: one CommonJS file exporting `handler`.
    const bundle = (await import(LAMBDA_BUNDLE_FILE)) as { handler?: unknown };
    expect(typeof bundle.handler).toBe("function");
  });

  it("uses the handler index.handler on arm64 with the default runtime and memory", () => {
    const inputs = lambda();
    expect(inputs.handler).toBe("index.handler");
    expect(inputs.architectures).toEqual(["arm64"]);
    expect(inputs.runtime).toBe("nodejs22.x");
    expect(inputs.memorySize).toBe(256);
  });

  it("gives the function more time than the TikTok deadline it passes on", () => {
    const inputs = lambda();
    expect(inputs.environment.variables.TIKTOK_TIMEOUT_MS).toBe("5000");
    expect(inputs.timeout * 1000).toBeGreaterThan(5000);
  });

  it("passes the client key and enables source maps in the environment", () => {
    const variables = lambda().environment.variables;
    expect(variables.TIKTOK_CLIENT_KEY).toBe(TIKTOK_CLIENT_KEY);
    expect(variables.NODE_OPTIONS).toBe("--enable-source-maps");
    expect(Object.keys(variables).sort()).toEqual(
      ["NODE_OPTIONS", "PROXY_SHARED_SECRET", "TIKTOK_CLIENT_KEY", "TIKTOK_TIMEOUT_MS"].sort(),
    );
  });

  it("reserves no concurrency unless configured", () => {
    expect(lambda().reservedConcurrentExecutions).toBeUndefined();
  });

  it("logs JSON to its own log group, which keeps events for 30 days by default", async () => {
    const logGroup = only(TYPES.logGroup).inputs;
    expect(logGroup.name).toBe("/aws/lambda/tiktok-auth0-dev-token-proxy");
    expect(logGroup.retentionInDays).toBe(30);
    expect(lambda().name).toBe("tiktok-auth0-dev-token-proxy");
    expect(lambda().loggingConfig).toMatchObject({ logFormat: "JSON", logGroup: logGroup.name });
    expect(await promiseOf(run.program.logGroupName)).toBe(logGroup.name);
    expect(await promiseOf(run.program.functionName)).toBe(lambda().name);
  });
});

describe("the IAM role", () => {
  it("can be assumed by Lambda only", () => {
    const policy = JSON.parse(String(only(TYPES.role).inputs.assumeRolePolicy)) as PolicyDocument;
    expect(policy.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  it("may only create log streams and put log events in its own log group", () => {
    const rolePolicy = only(TYPES.rolePolicy);
    expect(rolePolicy.inputs.role).toBe(`${only(TYPES.role).name}-id`);
    const policy = JSON.parse(String(rolePolicy.inputs.policy)) as PolicyDocument;
    const logGroupArn = `arn:aws:logs:${MOCK_REGION}:123456789012:log-group:/aws/lambda/tiktok-auth0-dev-token-proxy`;
    expect(policy.Statement).toHaveLength(1);
    const [statement] = policy.Statement;
    expect(statement.Effect).toBe("Allow");
    expect([statement.Action].flat().sort()).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(statement.Resource).toBe(`${logGroupArn}:*`);
    expect(JSON.stringify(policy)).not.toContain('"*"');
  });

  it("has no managed policies attached", () => {
    expect(resourcesOfType(run.resources, TYPES.rolePolicyAttachment)).toHaveLength(0);
    expect(only(TYPES.role).inputs.managedPolicyArns ?? []).toEqual([]);
    expect(resourcesOfType(run.resources, TYPES.rolePolicy)).toHaveLength(1);
  });
});

describe("the function URL", () => {
  it("is public (auth type NONE) on the proxy function", () => {
    const url = only(TYPES.functionUrl).inputs;
    expect(url.authorizationType).toBe("NONE");
    expect(url.functionName).toBe(lambda().name);
  });

  it("is invokable through a permission limited to URLs of auth type NONE", () => {
    const urlPermissions = permissions().filter((p) => p.action === "lambda:InvokeFunctionUrl");
    expect(urlPermissions).toEqual([
      expect.objectContaining({ function: lambda().name, principal: "*", functionUrlAuthType: "NONE" }),
    ]);
  });

  it("grants lambda:InvokeFunction only for invocations through the function URL", () => {
    const invokePermissions = permissions().filter((p) => p.action === "lambda:InvokeFunction");
    expect(invokePermissions).toEqual([
      expect.objectContaining({ function: lambda().name, principal: "*", invokedViaFunctionUrl: true }),
    ]);
  });

  it("never uses the statement IDs the provider adds by itself, so they cannot collide", () => {
    const ids = permissions().map((p) => p.statementId);
    expect(ids).toHaveLength(2);
    expect(ids).not.toContain("FunctionURLAllowPublicAccess");
    expect(ids).not.toContain("FunctionURLAllowInvokeAction");
  });
});

describe("monitoring", () => {
  const alarms = () => resourcesOfType(run.resources, TYPES.metricAlarm).map((a) => a.inputs as unknown as AlarmInputs);

  it("alarms on the function's Errors, Throttles and function URL 5xx responses", () => {
    expect(
      alarms()
        .map((a) => `${a.namespace}/${a.metricName}`)
        .sort(),
    ).toEqual(["AWS/Lambda/Errors", "AWS/Lambda/Throttles", "AWS/Lambda/Url5xxCount"].sort());
    for (const alarm of alarms()) expect(alarm.dimensions).toEqual({ FunctionName: lambda().name });
  });

  it("creates no SNS topic and no alarm actions when alarmEmail is unset", () => {
    expect(resourcesOfType(run.resources, TYPES.topic)).toHaveLength(0);
    expect(resourcesOfType(run.resources, TYPES.topicSubscription)).toHaveLength(0);
    for (const alarm of alarms()) expect(alarm.alarmActions ?? []).toEqual([]);
  });

  it("exports the dashboard's console URL in the stack's region", async () => {
    const dashboard = only(TYPES.dashboard).inputs;
    expect(dashboard.dashboardName).toBe(lambda().name);
    expect(await promiseOf(run.program.dashboardUrl)).toBe(
      `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=${lambda().name}`,
    );
  });

  it("asks the provider for the region once, and Auth0 for the connection by its name, and for nothing else", () => {
    expect(run.invokes).toEqual([
      { token: GET_CONNECTION, inputs: { name: "TikTok", skipEnabledClients: true }, provider: "" },
      { token: "aws:index/getRegion:getRegion", inputs: expect.anything(), provider: "" },
    ]);
  });
});

describe("the program", () => {
  it("declares one TikTokLogin at the top, which holds the proxy, the connection, the monitoring and both secret slots", () => {
    const topLevel = run.resources.filter((resource) => resource.parent === "" || !resource.parent.includes("::"));
    expect(topLevel.map((resource) => resource.type)).toEqual(["tiktok-auth0:index:TikTokLogin"]);
    const direct = run.resources.filter((resource) =>
      resource.parent.endsWith("::tiktok-auth0:index:TikTokLogin::tiktok"),
    );
    expect(direct.map((resource) => `${resource.type} ${resource.name}`).sort()).toEqual(
      [
        "tiktok-auth0:index:TokenProxy tiktok-token-proxy",
        "tiktok-auth0:index:TikTokConnection tiktok",
        "tiktok-auth0:index:ProxyMonitoring tiktok-token-proxy-monitoring",
        `${TYPES.randomPassword} tiktok-proxy-shared-secret-a`,
        `${TYPES.randomPassword} tiktok-proxy-shared-secret-b`,
      ].sort(),
    );
  });
});

describe("the stack outputs", () => {
  it("are the token URL, connection ID and name, function and log group names, dashboard URL and proxy shared secret", () => {
    expect(Object.keys(run.program).sort()).toEqual(
      [
        "connectionId",
        "connectionName",
        "dashboardUrl",
        "functionName",
        "logGroupName",
        "proxySharedSecret",
        "tokenUrl",
      ].sort(),
    );
  });

  it("name the Auth0 connection that was created", async () => {
    expect(await promiseOf(run.program.connectionName)).toBe("TikTok");
    expect(await promiseOf(run.program.connectionId)).toBe(`${only(TYPES.connection).name}-id`);
  });

  it("include the shared secret Auth0 sends (the active slot, a by default) for npm run verify, marked secret", async () => {
    expect(await pulumi.isSecret(run.program.proxySharedSecret)).toBe(true);
    expect(await promiseOf(run.program.proxySharedSecret)).toBe(mockRandomPassword("tiktok-proxy-shared-secret-a"));
  });
});
