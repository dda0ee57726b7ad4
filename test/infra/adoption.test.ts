import * as pulumi from "@pulumi/pulumi";
import { AdoptionError, AdoptionTarget, checkAdoption, LiveConnection } from "../../component/adoption";
import { HAND_MADE_CONNECTION_ID, OPAQUE_SCRIPT, OPEN_ID_SCRIPT } from "./fixtures/hand-made-connection";

/** checkAdoption with plain values: every way adopting could lose, split or lock out users. */

const LIVE: LiveConnection = {
  id: HAND_MADE_CONNECTION_ID,
  name: "TikTok",
  strategy: "oauth2",
  clientId: "awtiktokappkey1",
  authorizationEndpoint: "https://www.tiktok.com/v2/auth/authorize/",
  enabledClients: ["webApp", "mobileApp"],
  fetchUserProfileScript: OPEN_ID_SCRIPT,
  authenticationActive: true,
  isDomainConnection: false,
  realms: ["TikTok"],
  metadataKeys: [],
};
const TARGET: AdoptionTarget = {
  connectionName: "TikTok",
  tiktokClientKey: "awtiktokappkey1",
  enabledClients: ["webApp", "mobileApp"],
  userIdField: "open_id",
};

describe("checkAdoption", () => {
  it("finds no error when name, strategy, applications and user-id field agree, and warns to unset the key afterwards", () => {
    const { errors, warnings } = checkAdoption(LIVE, TARGET);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      `tiktok-auth0:adoptConnectionId is set: this run adopts the existing connection ${HAND_MADE_CONNECTION_ID} ("TikTok"). ` +
        "After the first successful `pulumi up`, run `pulumi config rm adoptConnectionId` and commit the change: " +
        "while it is set, Pulumi refuses any replacement of the connection, and a copy of this setting in another " +
        "environment would adopt the same connection into a second stack.",
      expect.stringMatching(/^con_\w+ was made for TikTok's v1 API, which stored the open_id that v1 returned\./),
    ]);
  });

  it("warns, with the rehearsal to run, when the connection dates from TikTok's v1 API, and only then", () => {
    const v1Warning = (live: LiveConnection) =>
      checkAdoption(live, TARGET).warnings.filter((warning) => warning.includes("TikTok's v1 API"));
    expect(v1Warning(LIVE)).toEqual([
      `${HAND_MADE_CONNECTION_ID} was made for TikTok's v1 API, which stored the open_id that v1 returned. ` +
        "No public TikTok source says v2 returns the same value for the same person and app. Rehearse before adopting: " +
        "deploy this stack to a dev tenant with the same TikTok app, log in there with a TikTok account that already has a user " +
        'in this connection, and compare the part of both user_ids after "oauth2|<connection>|". Only adopt if they are equal; ' +
        "otherwise every returning user would be created again.",
    ]);
    const v2Script =
      "function (accessToken, ctx, cb) { axios.get('https://open.tiktokapis.com/v2/user/info/'); cb(null, { user_id: user.open_id }); }";
    expect(v1Warning({ ...LIVE, fetchUserProfileScript: v2Script })).toEqual([]);
    expect(
      v1Warning({
        ...LIVE,
        fetchUserProfileScript: v2Script,
        authorizationEndpoint: "https://www.tiktok.com/auth/authorize/",
      }),
    ).toHaveLength(1);
  });

  it("accepts more applications than the live connection has: adding one disables nobody", () => {
    expect(checkAdoption(LIVE, { ...TARGET, enabledClients: ["webApp", "mobileApp", "newApp"] }).errors).toEqual([]);
  });

  it("refuses a live name other than connectionName, which would replace the connection", () => {
    expect(checkAdoption(LIVE, { ...TARGET, connectionName: "tiktok-login" }).errors).toEqual([
      `${HAND_MADE_CONNECTION_ID} is named "TikTok", but tiktok-auth0:connectionName is "tiktok-login"; a connection's name ` +
        "cannot change without replacing it, which deletes its users (and Auth0 stores them as oauth2|<name>|<id>). " +
        "Run `pulumi config set connectionName TikTok`.",
    ]);
  });

  it("refuses a connection of another TikTok app, whose users would all get new ids", () => {
    expect(checkAdoption(LIVE, { ...TARGET, tiktokClientKey: "awotherapp" }).errors).toEqual([
      `${HAND_MADE_CONNECTION_ID} uses the TikTok client key "awtiktokappkey1", but tiktok-auth0:tiktokClientKey is ` +
        '"awotherapp". Another TikTok app gives every user another open_id (and another union_id when the app belongs ' +
        "to another developer account), so returning users would be created again. Adopt with the same app: " +
        "run `pulumi config set tiktokClientKey awtiktokappkey1` and that app's client secret; move to another app later, " +
        "on purpose, if ever.",
    ]);
  });

  it("refuses when the provider returns no name, instead of guessing whether adopting renames", () => {
    const { errors, warnings } = checkAdoption({ ...LIVE, name: undefined }, TARGET);
    expect(errors).toEqual([expect.stringContaining(`The provider returned no name for ${HAND_MADE_CONNECTION_ID}`)]);
    expect(warnings[0]).toContain(`adopts the existing connection ${HAND_MADE_CONNECTION_ID}. After`);
  });

  it("refuses a connection that is not a custom social (oauth2) connection", () => {
    const [error] = checkAdoption({ ...LIVE, strategy: "google-oauth2" }, TARGET).errors;
    expect(error).toBe(
      `${HAND_MADE_CONNECTION_ID} has strategy "google-oauth2", not "oauth2" (a custom social connection), so it is not a ` +
        "hand-made TikTok connection; adopting it would replace it and delete its users. Check the ID in the Auth0 " +
        "dashboard (Authentication > Social) and run `pulumi config set adoptConnectionId con_…`.",
    );
  });

  it("refuses to disable an application enabled on the live connection, and gives the list that keeps it", () => {
    expect(checkAdoption(LIVE, { ...TARGET, enabledClients: [] }).errors).toEqual([
      `${HAND_MADE_CONNECTION_ID} is enabled today for applications missing from tiktok-auth0:enabledClients: webApp, mobileApp. ` +
        "The stack owns the whole list, so adopting would disable them and their users could no longer log in with TikTok. " +
        `Run \`pulumi config set enabledClients '["webApp","mobileApp"]'\`, or list the items under tiktok-auth0:enabledClients ` +
        "in Pulumi.<stack>.yaml (drop one later, on purpose, in a change of its own).",
    ]);
    const [partly] = checkAdoption(LIVE, { ...TARGET, enabledClients: ["webApp", "newApp"] }).errors;
    expect(partly).toContain("missing from tiktok-auth0:enabledClients: mobileApp.");
    expect(partly).toContain(`pulumi config set enabledClients '["webApp","newApp","mobileApp"]'`);
  });

  it("refuses a userIdField other than the one the live script uses, which would duplicate every returning user", () => {
    expect(checkAdoption(LIVE, { ...TARGET, userIdField: "union_id" }).errors).toEqual([
      `${HAND_MADE_CONNECTION_ID}'s profile script returns TikTok's open_id as user_id, but tiktok-auth0:userIdField is ` +
        "union_id: every returning user would get a new user_id and be created again. Run `pulumi config set userIdField open_id`.",
    ]);
  });

  it.each([
    ["a script whose user_id cannot be read", OPAQUE_SCRIPT],
    ["no script at all", undefined],
  ])("warns, naming what to compare, when it cannot tell the user-id field from %s", (_, script) => {
    const { errors, warnings } = checkAdoption(
      { ...LIVE, fetchUserProfileScript: script },
      { ...TARGET, userIdField: "union_id" },
    );
    expect(errors).toEqual([]);
    expect(warnings[1]).toBe(
      `Could not tell from ${HAND_MADE_CONNECTION_ID}'s profile script which TikTok field it returns as user_id; this stack ` +
        "will use union_id. Before `pulumi up`, open a TikTok user in the Auth0 dashboard (User Management > Users): if " +
        'the part of its user_id after "oauth2|TikTok|" is not its union_id, run `pulumi config set userIdField open_id`, ' +
        "or every returning user is created again.",
    );
  });

  it("reports every problem at once", () => {
    const { errors } = checkAdoption(
      { ...LIVE, name: "tiktok", strategy: "auth0" },
      { connectionName: "TikTok", tiktokClientKey: "awotherapp", enabledClients: [], userIdField: "union_id" },
    );
    expect(errors).toHaveLength(5);
  });
});

describe("AdoptionError", () => {
  it("is a pulumi.RunError listing each problem, so the CLI prints it without a stack trace", () => {
    const error = new AdoptionError(["first", "second"]);
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toBe(
      "Adopting the existing connection is not safe yet (2 problems); nothing was changed:\n  - first\n  - second",
    );
  });
});
