import * as pulumi from "@pulumi/pulumi";
import {
  GET_CONNECTION,
  MOCK_FUNCTION_URL,
  MockOptions,
  onlyResourceOfType,
  Recorder,
  REQUIRED_CONFIG,
  runProgram,
  runRefusedProgram,
  SECRET_KEYS,
  TYPES,
} from "./support/pulumi-mocks";
import { handMadeConnection, HAND_MADE_CONNECTION_ID, OPAQUE_SCRIPT } from "./fixtures/hand-made-connection";

/**
 * The whole program under mocks, with and without tiktok-auth0:adoptConnectionId: the resource options
 * the engine receives (protect, import), and the checks against a hand-made connection that the mocked
 * tenant holds. Each run installs fresh mocks, so one file covers several configurations.
 */

const APPS = ["clientIdOfTheWebApp", "clientIdOfTheMobileApp"];
/** What an adopter whose hand-made connection stores open_id sets, per the README's adoption path. */
const ADOPTING = {
  ...REQUIRED_CONFIG,
  "tiktok-auth0:adoptConnectionId": HAND_MADE_CONNECTION_ID,
  "tiktok-auth0:enabledClients": JSON.stringify(APPS),
  "tiktok-auth0:userIdField": "open_id",
};
const TENANT: MockOptions = { liveConnections: { [HAND_MADE_CONNECTION_ID]: handMadeConnection() } };

let warn: jest.SpiedFunction<typeof pulumi.log.warn>;

beforeEach(() => {
  warn = jest.spyOn(pulumi.log, "warn").mockResolvedValue();
});

afterEach(() => {
  warn.mockRestore();
});

function importIds(run: Recorder): Record<string, string> {
  return Object.fromEntries(
    run.resources.filter((resource) => resource.options.importId !== "").map((r) => [r.type, r.options.importId]),
  );
}

/** The rejection of a run of the program, after checking it registered nothing. */
async function refusal(config: Record<string, string>, options: MockOptions): Promise<Error> {
  const { error, registered } = await runRefusedProgram(config, SECRET_KEYS, options);
  expect(registered.map((resource) => resource.type)).toEqual([]);
  if (!(error instanceof Error)) throw new Error("Expected the program to reject");
  return error;
}

describe("without adoptConnectionId", () => {
  it("protects the connection, imports nothing and looks the connection up by name only, with defaults and with every setting", async () => {
    for (const config of [
      REQUIRED_CONFIG,
      {
        ...REQUIRED_CONFIG,
        "tiktok-auth0:connectionName": "TikTok-Login",
        "tiktok-auth0:enabledClients": JSON.stringify(APPS),
        "tiktok-auth0:userIdField": "open_id",
        "tiktok-auth0:runtime": "nodejs24.x",
        "tiktok-auth0:alarmEmail": "oncall@example.com",
      },
    ]) {
      const run = await runProgram(config, SECRET_KEYS);
      expect(onlyResourceOfType(run.resources, TYPES.connection).options.protect).toBe(true);
      expect(importIds(run)).toEqual({});
      expect(run.invokes.filter((invoke) => invoke.token === GET_CONNECTION)).toEqual([
        {
          token: GET_CONNECTION,
          inputs: { name: config["tiktok-auth0:connectionName"] ?? "TikTok", skipEnabledClients: true },
          // The stack's default Auth0 provider, configured by its auth0:* settings.
          provider: "",
        },
      ]);
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it("protects the connection and the pin of its user-id field, and nothing else: the rest holds no users", async () => {
    const run = await runProgram(REQUIRED_CONFIG, SECRET_KEYS);
    const protectedTypes = run.resources.filter((resource) => resource.options.protect).map((r) => r.type);
    expect(protectedTypes.sort()).toEqual([TYPES.connection, TYPES.randomId].sort());
  });

  it("pins userIdField in a resource whose keepers hold it, so changing the field means a replacement", async () => {
    for (const userIdField of ["union_id", "open_id"]) {
      const run = await runProgram({ ...REQUIRED_CONFIG, "tiktok-auth0:userIdField": userIdField }, SECRET_KEYS);
      const pin = onlyResourceOfType(run.resources, TYPES.randomId);
      expect(pin.name).toBe("tiktok-user-id-field");
      expect(pin.inputs.keepers).toEqual({ userIdField });
      expect(pin.options.protect).toBe(true);
    }
  });
});

describe("adopting a hand-made connection", () => {
  let run: Recorder;
  let warnings: unknown[];

  beforeAll(async () => {
    const spy = jest.spyOn(pulumi.log, "warn").mockResolvedValue();
    run = await runProgram(ADOPTING, SECRET_KEYS, TENANT);
    warnings = spy.mock.calls.map(([message]) => message);
    spy.mockRestore();
  });

  it("reads the live connection through auth0.getConnection", () => {
    expect(run.calls).toContain(GET_CONNECTION);
  });

  it("imports the connection and its client list by the connection's ID, and nothing else", () => {
    expect(importIds(run)).toEqual({
      [TYPES.connection]: HAND_MADE_CONNECTION_ID,
      [TYPES.connectionClients]: HAND_MADE_CONNECTION_ID,
    });
  });

  it("keeps the adopted connection protected", () => {
    expect(onlyResourceOfType(run.resources, TYPES.connection).options.protect).toBe(true);
  });

  it("declares the stack's own inputs, not the live ones: v2 authorize URL, the proxy, the open_id script", () => {
    const { inputs } = onlyResourceOfType(run.resources, TYPES.connection);
    const options = inputs.options as Record<string, unknown>;
    expect(inputs.name).toBe("TikTok");
    expect(inputs.strategy).toBe("oauth2");
    expect(options.authorizationEndpoint).toBe("https://www.tiktok.com/v2/auth/authorize/");
    expect(options.tokenEndpoint).toBe(`${MOCK_FUNCTION_URL}proxy/token`);
    expect(options.setUserRootAttributes).toBe("on_each_login");
    const script = (options.scripts as { fetchUserProfile: string }).fetchUserProfile;
    expect(script).toMatch(/^function fetchUserProfile\(/);
    expect(script).toContain('var USER_ID_FIELD = "open_id";');
    expect(onlyResourceOfType(run.resources, TYPES.connectionClients).inputs.enabledClients).toEqual(APPS);
  });

  it("warns, while the key is set, to remove it after the first successful pulumi up, and that a v1-era connection needs a rehearsal", () => {
    expect(warnings).toEqual([
      expect.stringContaining("run `pulumi config rm adoptConnectionId`"),
      expect.stringContaining("was made for TikTok's v1 API"),
    ]);
  });
});

describe("adoption refused before any resource is registered", () => {
  it("when the live name differs from connectionName", async () => {
    const err = await refusal({ ...ADOPTING, "tiktok-auth0:connectionName": "tiktok-login" }, TENANT);
    expect(pulumi.RunError.isInstance(err)).toBe(true);
    expect(err.message).toContain(
      `${HAND_MADE_CONNECTION_ID} is named "TikTok", but tiktok-auth0:connectionName is "tiktok-login"`,
    );
  });

  it("when the live connection is not an oauth2 connection", async () => {
    const err = await refusal(ADOPTING, {
      liveConnections: { [HAND_MADE_CONNECTION_ID]: handMadeConnection({ strategy: "google-oauth2" }) },
    });
    expect(err.message).toContain('has strategy "google-oauth2", not "oauth2"');
  });

  it("when adopting would disable an application enabled on the live connection (the default list is empty)", async () => {
    const { "tiktok-auth0:enabledClients": _forgotten, ...forgot } = ADOPTING;
    const err = await refusal(forgot, TENANT);
    expect(err.message).toContain(
      "missing from tiktok-auth0:enabledClients: clientIdOfTheWebApp, clientIdOfTheMobileApp",
    );
  });

  it("when the live script's user_id field differs from userIdField", async () => {
    const { "tiktok-auth0:userIdField": _default, ...unionId } = ADOPTING;
    const err = await refusal(unionId, TENANT);
    expect(err.message).toContain(
      "profile script returns TikTok's open_id as user_id, but tiktok-auth0:userIdField is union_id",
    );
  });

  it("when the live connection belongs to another TikTok app", async () => {
    const err = await refusal({ ...ADOPTING, "tiktok-auth0:tiktokClientKey": "awanotherapp" }, TENANT);
    expect(err.message).toContain(
      'uses the TikTok client key "awtestclientkey123", but tiktok-auth0:tiktokClientKey is "awanotherapp"',
    );
  });

  it("when the connection does not exist in the tenant", async () => {
    const err = await refusal({ ...ADOPTING, "tiktok-auth0:adoptConnectionId": "con_DoesNotExist1" }, TENANT);
    expect(pulumi.RunError.isInstance(err)).toBe(true);
    expect(err.message).toContain("Could not read the connection con_DoesNotExist1");
    expect(err.message).toContain("404 Not Found");
  });

  it("and an invoke the mocks do not answer still fails, so a new invoke cannot slip through", async () => {
    const err = await refusal(ADOPTING, { ...TENANT, unanswered: [GET_CONNECTION] });
    expect(err.message).toContain(`Mock call not implemented: ${GET_CONNECTION}`);
  });
});

it("adopts with a warning, not an error, when the live script does not tell which field is the user_id", async () => {
  const run = await runProgram(ADOPTING, SECRET_KEYS, {
    liveConnections: { [HAND_MADE_CONNECTION_ID]: handMadeConnection({ fetchUserProfile: OPAQUE_SCRIPT }) },
  });
  expect(importIds(run)[TYPES.connection]).toBe(HAND_MADE_CONNECTION_ID);
  expect(warn).toHaveBeenCalledWith(expect.stringContaining("Could not tell from"));
});
