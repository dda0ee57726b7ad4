import {
  mockRandomPassword,
  onlyResourceOfType,
  Program,
  RecordedResource,
  Recorder,
  REQUIRED_CONFIG,
  resourcesOfType,
  runProgram,
  SECRET_KEYS,
  TYPES,
} from "./support/pulumi-mocks";

/** The whole program again, with every optional setting away from its default. */

const SETTINGS: Record<string, string> = {
  ...REQUIRED_CONFIG,
  "tiktok-auth0:enabledClients": "[]",
  "tiktok-auth0:connectionName": "TikTok-Login",
  "tiktok-auth0:displayName": "Continue with TikTok",
  // Out of TikTok's order on purpose: the connection must not depend on how the list is written.
  "tiktok-auth0:scopes": JSON.stringify(["user.info.stats", "user.info.basic", "user.info.profile"]),
  "tiktok-auth0:logRetentionDays": "90",
  "tiktok-auth0:lambdaMemoryMb": "512",
  "tiktok-auth0:reservedConcurrency": "7",
  "tiktok-auth0:tiktokTimeoutMs": "12000",
  "tiktok-auth0:alarmEmail": "oncall@example.com",
  "tiktok-auth0:runtime": "nodejs24.x",
  "tiktok-auth0:activeSharedSecret": "b",
};

let run: Recorder & { program: Program };

beforeAll(async () => {
  run = await runProgram(SETTINGS, SECRET_KEYS);
});

const only = (type: string): RecordedResource => onlyResourceOfType(run.resources, type);

describe("with every optional setting", () => {
  it("joins all three scopes, in TikTok's order, into the one scope element", () => {
    const options = only(TYPES.connection).inputs.options as { scopes: string[] };
    expect(options.scopes).toEqual(["user.info.basic,user.info.profile,user.info.stats"]);
  });

  it("names the connection and its button as configured", () => {
    const connection = only(TYPES.connection).inputs;
    expect(connection.name).toBe("TikTok-Login");
    expect(connection.displayName).toBe("Continue with TikTok");
  });

  it("still creates ConnectionClients when no application is enabled, so the stack owns the empty list", () => {
    expect(only(TYPES.connectionClients).inputs.enabledClients).toEqual([]);
  });

  it("runs the configured runtime with the configured memory and reserved concurrency", () => {
    const fn = only(TYPES.function).inputs;
    expect(fn.runtime).toBe("nodejs24.x");
    expect(fn.memorySize).toBe(512);
    expect(fn.reservedConcurrentExecutions).toBe(7);
    expect(fn.architectures).toEqual(["arm64"]);
  });

  it("passes the configured TikTok deadline on, and gives the function a longer timeout", () => {
    const fn = only(TYPES.function).inputs as { timeout: number; environment: { variables: Record<string, string> } };
    expect(fn.environment.variables.TIKTOK_TIMEOUT_MS).toBe("12000");
    expect(fn.timeout).toBe(15);
  });

  it("has the connection send the configured shared-secret slot, b, which the Lambda accepts next to a", () => {
    const options = only(TYPES.connection).inputs.options as { customHeaders: { header: string; value: string }[] };
    const slotB = mockRandomPassword("tiktok-proxy-shared-secret-b");
    expect(options.customHeaders).toEqual([{ header: "x-proxy-secret", value: slotB }]);
    const fn = only(TYPES.function).inputs as { environment: { variables: Record<string, string> } };
    expect(fn.environment.variables.PROXY_SHARED_SECRET).toBe(
      `${mockRandomPassword("tiktok-proxy-shared-secret-a")},${slotB}`,
    );
  });

  it("keeps logs for the configured number of days", () => {
    expect(only(TYPES.logGroup).inputs.retentionInDays).toBe(90);
  });

  it("subscribes the alarm email to an SNS topic", () => {
    const topic = only(TYPES.topic);
    const subscription = only(TYPES.topicSubscription).inputs;
    expect(subscription.protocol).toBe("email");
    expect(subscription.endpoint).toBe("oncall@example.com");
    expect(subscription.topic).toBe(`arn:aws:sns:us-east-1:123456789012:${topic.name}`);
  });

  it("sends every alarm, and its recovery, to that topic", () => {
    const topicArn = `arn:aws:sns:us-east-1:123456789012:${only(TYPES.topic).name}`;
    const alarms = resourcesOfType(run.resources, TYPES.metricAlarm);
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms) {
      expect(alarm.inputs.alarmActions).toEqual([topicArn]);
      expect(alarm.inputs.okActions).toEqual([topicArn]);
    }
  });
});
