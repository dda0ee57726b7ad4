import * as pulumi from "@pulumi/pulumi";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MAX_SCRIPT_CHARACTERS, readFetchUserProfileScript } from "../../component/profile-script";
import { connectionScopes, TikTokConnection, upstreamParamsJson } from "../../component/tiktok-connection";
import {
  installMocks,
  isSecretValue,
  onlyResourceOfType,
  promiseOf,
  recordingMocks,
  Recorder,
  TYPES,
} from "./support/pulumi-mocks";

describe("upstreamParamsJson", () => {
  it("is compact JSON with client_key as a static value", () => {
    expect(upstreamParamsJson("aw123")).toBe('{"client_key":{"value":"aw123"}}');
  });

  it("escapes what JSON needs escaped", () => {
    expect(JSON.parse(upstreamParamsJson('aw"1'))).toEqual({ client_key: { value: 'aw"1' } });
  });
});

describe("connectionScopes", () => {
  it("joins the scopes with commas into a single element", () => {
    expect(connectionScopes(["user.info.basic", "user.info.profile"])).toEqual(["user.info.basic,user.info.profile"]);
  });
});

describe("readFetchUserProfileScript", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fetch-user-profile-"));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function scriptFile(content: string): string {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.js`);
    fs.writeFileSync(file, content);
    return file;
  }

  it("returns the file's text unchanged", () => {
    const text = "function fetchUserProfile(accessToken, context, callback) {\n  callback(null, {});\n}\n";
    expect(readFetchUserProfileScript(scriptFile(text))).toBe(text);
  });

  it("refuses a script longer than Auth0 accepts", () => {
    const text = `function fetchUserProfile(a, c, cb) {\n//${"x".repeat(MAX_SCRIPT_CHARACTERS)}\n}\n`;
    expect(() => readFetchUserProfileScript(scriptFile(text))).toThrow(
      `; Auth0 accepts at most ${MAX_SCRIPT_CHARACTERS}`,
    );
  });

  it("refuses a script that is not the fetchUserProfile function", () => {
    expect(() => readFetchUserProfileScript(scriptFile("const x = 1;\nfunction fetchUserProfile() {}\n"))).toThrow(
      'must start with "function fetchUserProfile("',
    );
  });
});

describe("TikTokConnection", () => {
  let recorder: Recorder;
  let tiktok: TikTokConnection;

  beforeAll(async () => {
    recorder = recordingMocks();
    await installMocks(recorder);
    tiktok = new TikTokConnection("tiktok", {
      connectionName: "TikTok",
      displayName: "TikTok",
      tiktokClientKey: "awkey",
      // Plain strings: the component itself must make them secret.
      tiktokClientSecret: "plain-client-secret",
      sharedSecret: "plain-shared-secret",
      scopes: ["user.info.basic"],
      tokenUrl: "https://proxy.example/proxy/token",
      enabledClients: ["clientA"],
      userIdField: "union_id",
      loginSwitches: { isDomainConnection: false, realms: ["TikTok"], authentication: { active: true } },
    });
    await pulumi.runtime.disconnect();
  });

  it("makes the client secret and the proxy secret header secret even when given plain strings", async () => {
    const options = onlyResourceOfType(recorder.resources, TYPES.connection).serialized.options as Record<
      string,
      unknown
    >;
    expect(isSecretValue(options.clientSecret)).toBe(true);
    const [header] = options.customHeaders as Record<string, unknown>[];
    expect(isSecretValue(header.value)).toBe(true);
    expect(await pulumi.isSecret(tiktok.connection.options)).toBe(true);
  });

  it("enables the clients on the connection it created", () => {
    const clients = onlyResourceOfType(recorder.resources, TYPES.connectionClients).inputs;
    expect(clients.connectionId).toBe("tiktok-connection-id");
    expect(clients.enabledClients).toEqual(["clientA"]);
  });

  it("exposes the connection's ID and name", async () => {
    expect(await promiseOf(tiktok.connectionId)).toBe("tiktok-connection-id");
    expect(await promiseOf(tiktok.connectionName)).toBe("TikTok");
  });
});
