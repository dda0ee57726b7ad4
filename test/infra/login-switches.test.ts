import * as pulumi from "@pulumi/pulumi";
import { checkAdoption } from "../../component/adoption";
import type { LiveConnection } from "../../component/live-connection";
import { loginSwitches, loginSwitchWarnings } from "../../component/login-switches";
import { HAND_MADE_CONNECTION_ID, handMadeConnection } from "./fixtures/hand-made-connection";
import {
  GET_CONNECTION,
  MockOptions,
  onlyResourceOfType,
  REQUIRED_CONFIG,
  runProgram,
  runRefusedProgram,
  SECRET_KEYS,
  TYPES,
} from "./support/pulumi-mocks";

/**
 * Auth0's "use for authentication" switch, "domain connection" and realms: a hand edit of any of them
 * can stop TikTok logins without touching the options, so the program declares them from the live
 * connection, and the preview shows (and `up` reverts) an edit.
 */

const MANAGED: LiveConnection = {
  id: "con_Managed000000001",
  name: "TikTok",
  strategy: "oauth2",
  clientId: "awtestclientkey123",
  authorizationEndpoint: "https://www.tiktok.com/v2/auth/authorize/",
  enabledClients: [],
  fetchUserProfileScript: undefined,
  authenticationActive: true,
  isDomainConnection: false,
  realms: ["TikTok"],
  metadataKeys: [],
};

describe("loginSwitches", () => {
  it("declares the switch on when the tenant reports it, whatever its live value", () => {
    for (const authenticationActive of [true, false]) {
      expect(loginSwitches({ ...MANAGED, authenticationActive }, "TikTok")).toEqual({
        isDomainConnection: false,
        realms: ["TikTok"],
        authentication: { active: true },
      });
    }
  });

  it("leaves the switch out for a new connection and on a tenant that does not report it (the feature flag)", () => {
    expect(loginSwitches(undefined, "TikTok").authentication).toBeUndefined();
    expect(loginSwitches({ ...MANAGED, authenticationActive: undefined }, "TikTok").authentication).toBeUndefined();
  });

  it("always declares isDomainConnection false and the connection's own name as its realm", () => {
    const switches = loginSwitches({ ...MANAGED, isDomainConnection: true, realms: ["acme.example"] }, "TikTok-Login");
    expect(switches).toMatchObject({ isDomainConnection: false, realms: ["TikTok-Login"] });
  });
});

describe("loginSwitchWarnings", () => {
  it("says nothing for a connection as the program declares it, or one that does not exist yet", () => {
    expect(loginSwitchWarnings(MANAGED, "TikTok")).toEqual([]);
    expect(loginSwitchWarnings({ ...MANAGED, authenticationActive: undefined }, "TikTok")).toEqual([]);
    expect(loginSwitchWarnings(undefined, "TikTok")).toEqual([]);
  });

  it("names each hand edit and what `pulumi up` does about it", () => {
    const edited = {
      ...MANAGED,
      authenticationActive: false,
      isDomainConnection: true,
      realms: ["acme.example"],
      metadataKeys: ["owner", "team"],
    };
    expect(loginSwitchWarnings(edited, "TikTok")).toEqual([
      `The connection ${MANAGED.id} ("TikTok") has Auth0's "use for authentication" switch off, so no one can log in with TikTok. ` +
        "`pulumi up` turns it back on. To stop TikTok logins on purpose, remove applications from enabledClients instead.",
      `The connection ${MANAGED.id} ("TikTok") is marked as a domain connection; \`pulumi up\` sets it back to false.`,
      `The connection ${MANAGED.id} ("TikTok") has the realms ["acme.example"]; \`pulumi up\` sets them back to ["TikTok"], Auth0's default.`,
      `The connection ${MANAGED.id} ("TikTok") has metadata (owner, team), which this stack does not declare: every preview and ` +
        "drift check shows it as a difference, and `pulumi up` leaves it in place. Remove it through the Management API " +
        '(docs/operations.md, "What a hand edit does"), or keep it and accept the difference.',
    ]);
  });

  it("are part of what adopting a hand-made connection reports, as warnings, not refusals", () => {
    const live = {
      ...MANAGED,
      id: HAND_MADE_CONNECTION_ID,
      authenticationActive: false,
      enabledClients: ["webApp"],
    };
    const { errors, warnings } = checkAdoption(live, {
      connectionName: "TikTok",
      tiktokClientKey: "awtestclientkey123",
      enabledClients: ["webApp"],
      userIdField: "union_id",
    });
    expect(errors).toEqual([]);
    expect(warnings).toContainEqual(expect.stringContaining('has Auth0\'s "use for authentication" switch off'));
  });
});

describe("the program, with the connection live in the tenant", () => {
  let warn: jest.SpiedFunction<typeof pulumi.log.warn>;
  beforeEach(() => {
    warn = jest.spyOn(pulumi.log, "warn").mockResolvedValue();
  });
  afterEach(() => warn.mockRestore());

  const tenantWith = (connection: Record<string, unknown>): MockOptions => ({
    liveConnections: { [String(connection.id)]: connection },
  });
  const connectionInputs = async (options: MockOptions) =>
    onlyResourceOfType((await runProgram(REQUIRED_CONFIG, SECRET_KEYS, options)).resources, TYPES.connection).inputs;

  it("declares the switch on when someone turned it off by hand, and warns that `up` turns it back on", async () => {
    const inputs = await connectionInputs(
      tenantWith({ ...handMadeConnection(), authentications: [{ active: false }] }),
    );
    expect(inputs).toMatchObject({ authentication: { active: true }, isDomainConnection: false, realms: ["TikTok"] });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('"use for authentication" switch off'));
  });

  it("never declares metadata, so a key added by hand is reported but never removed", async () => {
    const inputs = await connectionInputs(tenantWith({ ...handMadeConnection(), metadata: { owner: "iam-team" } }));
    expect(inputs).not.toHaveProperty("metadata");
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("has metadata (owner)"));
  });

  it("leaves the switch out where the tenant does not report it, and on the first deploy", async () => {
    const withoutSwitch = await connectionInputs(tenantWith(handMadeConnection()));
    expect(withoutSwitch).toMatchObject({ isDomainConnection: false, realms: ["TikTok"] });
    expect(withoutSwitch).not.toHaveProperty("authentication");
    const firstDeploy = await connectionInputs({});
    expect(firstDeploy).toMatchObject({ isDomainConnection: false, realms: ["TikTok"] });
    expect(firstDeploy).not.toHaveProperty("authentication");
    expect(warn).not.toHaveBeenCalled();
  });

  it("looks up the connection under its own name, not another one in the tenant", async () => {
    const inputs = await connectionInputs(
      tenantWith({ ...handMadeConnection({ name: "TikTok-Sandbox" }), authentications: [{ active: false }] }),
    );
    expect(inputs).not.toHaveProperty("authentication");
    expect(warn).not.toHaveBeenCalled();
  });

  it("stops before any resource, with a message to act on, when the lookup fails for another reason", async () => {
    const { error, registered } = await runRefusedProgram(REQUIRED_CONFIG, SECRET_KEYS, {
      unanswered: [GET_CONNECTION],
    });
    expect(registered).toEqual([]);
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^Could not look up the connection "TikTok" in the tenant in auth0:domain \(.*Mock call not implemented.*\)\. Pulumi's Machine to Machine application needs read:connections/s,
    );
  });
});
