import OAuth2Strategy from "passport-oauth2";
import {
  AuthenticateOutcome,
  Auth0User,
  describeOutcome,
  LoginEndpoints,
  LoginRun,
  logIn,
  SimulatedAuth0,
  simulateAuth0,
  visitTikTokAuthorize,
} from "../support/auth0-login-flow";
import { captureLoginStack, LoginStack } from "../support/login-stack";
import { RunningProxy, startProxy } from "../support/proxy-harness";
import { startTikTokEmulator, TikTokEmulator } from "../support/tiktok-emulator";

/**
 * "Log in with TikTok" end to end, exactly as Auth0 runs it: the connection and the proxy's
 * environment come from the Pulumi program itself (run under mocks), Auth0 is passport-oauth2
 * configured from the connection, TikTok is the emulator, and the token request goes through the
 * real local proxy over loopback. No client code of ours is involved.
 */

const CLIENT_KEY = "awe2eclientkey";
const CLIENT_SECRET = "e2e-tiktok-client-secret";
const CONNECTION_NAME = "TikTok-Login";
const AUTH0_DOMAIN = "tiktok-auth0-e2e.us.auth0.com";
const CALLBACK_URL = `https://${AUTH0_DOMAIN}/login/callback`;

const STACK_CONFIG = {
  "auth0:domain": AUTH0_DOMAIN,
  "tiktok-auth0:tiktokClientKey": CLIENT_KEY,
  "tiktok-auth0:tiktokClientSecret": CLIENT_SECRET,
  "tiktok-auth0:scopes": JSON.stringify(["user.info.profile", "user.info.basic"]),
  "tiktok-auth0:connectionName": CONNECTION_NAME,
};
const SECRET_KEYS = ["tiktok-auth0:tiktokClientSecret"];

let stack: LoginStack;
let tiktok: TikTokEmulator;
let proxy: RunningProxy;
let endpoints: LoginEndpoints;

beforeAll(async () => {
  stack = await captureLoginStack(STACK_CONFIG, SECRET_KEYS);
  tiktok = await startTikTokEmulator({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: [CALLBACK_URL],
  });
  // The Lambda's environment as the program declares it; only the upstream is the emulator.
  proxy = await startProxy({ ...stack.proxyEnvironment, TIKTOK_TOKEN_URL: tiktok.tokenUrl });
  endpoints = { tiktokOrigin: tiktok.baseUrl, proxyOrigin: proxy.serverUrl, auth0Domain: AUTH0_DOMAIN };
});

afterAll(async () => {
  await proxy?.close();
  await tiktok?.close();
});

afterEach(() => {
  tiktok.setAuthorizeDecision("approve");
  tiktok.setTokenFault({ kind: "none" });
  tiktok.setUserInfoFault({ kind: "none" });
});

function expectSuccess(outcome: AuthenticateOutcome): Auth0User {
  if (outcome.kind !== "success") throw new Error(`Expected a successful login, got ${describeOutcome(outcome)}`);
  return outcome.user as Auth0User;
}

function expectTokenError(outcome: AuthenticateOutcome, code: string, status: number): OAuth2Strategy.TokenError {
  if (outcome.kind !== "error") throw new Error(`Expected a token error, got ${describeOutcome(outcome)}`);
  const { error } = outcome;
  if (!(error instanceof OAuth2Strategy.TokenError))
    throw new Error(`Expected a TokenError, got ${error.name}: ${error.message}`);
  expect({ code: error.code, status: error.status }).toEqual({ code, status });
  return error;
}

/** The verify callback never ran: no tokens reached Auth0, no profile was fetched, no user exists. */
function expectNothingHalfDone(auth0: SimulatedAuth0): void {
  expect(auth0.record).toEqual({ tokens: [], profileRuns: [], users: [] });
}

describe("the program's connection", () => {
  it("points Auth0 at TikTok's v2 authorize page and at the proxy's token path", () => {
    const { options } = stack.connection;
    expect(stack.connection.strategy).toBe("oauth2");
    expect(options.authorizationEndpoint).toBe("https://www.tiktok.com/v2/auth/authorize/");
    expect(new URL(options.tokenEndpoint).pathname).toBe("/proxy/token");
  });

  it("is the one the proxy's environment is made for: the same client key, and a shared secret required", () => {
    expect(stack.proxyEnvironment.TIKTOK_CLIENT_KEY).toBe(stack.connection.options.clientId);
    expect(stack.proxyEnvironment.PROXY_SHARED_SECRET).toEqual(expect.any(String));
  });

  it("sends, as x-proxy-secret, one of the two secret slots the proxy accepts", () => {
    const accepted = stack.proxyEnvironment.PROXY_SHARED_SECRET.split(",");
    expect(accepted).toHaveLength(2);
    const sent = stack.connection.options.customHeaders
      .filter((h) => h.header === "x-proxy-secret")
      .map((h) => h.value);
    expect(sent).toEqual([accepted[0]]);
  });
});

describe("a login in the middle of a secret rotation", () => {
  it("succeeds when Auth0 already sends the other slot, against the same proxy environment", async () => {
    // Step 1 of a rotation: the connection switches to slot b before the Lambda changes at all.
    const [, otherSlot] = stack.proxyEnvironment.PROXY_SHARED_SECRET.split(",");
    const { options } = stack.connection;
    const switched = {
      ...stack.connection,
      options: {
        ...options,
        customHeaders: options.customHeaders.map((h) =>
          h.header === "x-proxy-secret" ? { ...h, value: otherSlot } : h,
        ),
      },
    };
    const auth0 = simulateAuth0(switched, endpoints);

    const { outcome } = await logIn(auth0);

    expect(expectSuccess(outcome).user_id).toBe(`oauth2|${CONNECTION_NAME}|${tiktok.user.union_id}`);
    expect(otherSlot).not.toBe(options.customHeaders.find((h) => h.header === "x-proxy-secret")?.value);
  });
});

describe("a successful login", () => {
  let auth0: SimulatedAuth0;
  let run: LoginRun;
  let tokenRequestsBefore: number;

  beforeAll(async () => {
    auth0 = simulateAuth0(stack.connection, endpoints);
    tokenRequestsBefore = tiktok.tokenRequests.length;
    run = await logIn(auth0);
  });

  it("sends the browser to TikTok with client_key, comma-separated scopes, Auth0's callback and a state", () => {
    const url = new URL(run.authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(tiktok.authorizeUrl);
    expect(url.searchParams.get("client_key")).toBe(CLIENT_KEY);
    expect(url.searchParams.get("scope")).toBe("user.info.basic,user.info.profile");
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("redirect_uri")).toBe(CALLBACK_URL);
    expect(url.searchParams.get("state")).toMatch(/^\S{16,}$/);
  });

  it("comes back from TikTok to Auth0's callback with a code, the granted scopes and the same state", () => {
    const callback = new URL(run.callbackUrl);
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK_URL);
    expect(callback.searchParams.get("code")).toEqual(expect.any(String));
    expect(callback.searchParams.get("scopes")).toBe("user.info.basic,user.info.profile");
    expect(callback.searchParams.get("state")).toBe(new URL(run.authorizeUrl).searchParams.get("state"));
  });

  it("exchanges the code once, through the proxy, which TikTok receives with client_key and never client_id", () => {
    expect(tiktok.tokenRequests.slice(tokenRequestsBefore)).toEqual([
      {
        client_key: CLIENT_KEY,
        client_secret: CLIENT_SECRET,
        code: new URL(run.callbackUrl).searchParams.get("code"),
        grant_type: "authorization_code",
        redirect_uri: CALLBACK_URL,
      },
    ]);
    expect(proxy.logs.at(-1)).toMatchObject({ outcome: "ok", status: 200 });
  });

  it("stores the user as oauth2|<connection name>|<union_id>", () => {
    const user = expectSuccess(run.outcome);
    expect(user.user_id).toBe(`oauth2|${CONNECTION_NAME}|${tiktok.user.union_id}`);
    expect(auth0.record.users).toEqual([user]);
  });

  it("stores the normalized profile: TikTok's union_id, display name and largest avatar", () => {
    const { profile } = expectSuccess(run.outcome);
    expect(profile).toMatchObject({
      user_id: tiktok.user.union_id,
      name: tiktok.user.display_name,
      nickname: tiktok.user.username,
      picture: tiktok.user.avatar_large_url,
    });
  });

  it("runs the profile script once, with the token response as its context", () => {
    expect(auth0.record.tokens).toHaveLength(1);
    expect(auth0.record.tokens[0].params).toMatchObject({
      open_id: tiktok.user.open_id,
      scope: "user.info.basic,user.info.profile",
    });
    expect(auth0.record.profileRuns).toHaveLength(1);
    expect(auth0.record.profileRuns[0].requested).toEqual([
      expect.stringMatching(/^https:\/\/open\.tiktokapis\.com\/v2\/user\/info\/\?fields=/),
    ]);
  });
});

describe("a login that fails ends with a clear error and nothing half-done", () => {
  it("when the user denies consent on TikTok: passport fails with access_denied's description and no token is requested", async () => {
    tiktok.setAuthorizeDecision("deny");
    const auth0 = simulateAuth0(stack.connection, endpoints);
    const before = tiktok.tokenRequests.length;

    const { callbackUrl, outcome } = await logIn(auth0);

    expect(new URL(callbackUrl).searchParams.get("error")).toBe("access_denied");
    expect(outcome).toEqual({
      kind: "fail",
      challenge: { message: "The user denied the authorization request." },
      status: undefined,
    });
    expect(tiktok.tokenRequests).toHaveLength(before);
    expectNothingHalfDone(auth0);
  });

  it("when the callback's state is not the one in the session: passport refuses with 403 before any token request", async () => {
    const auth0 = simulateAuth0(stack.connection, endpoints);
    const callbackUrl = await visitTikTokAuthorize(await auth0.startLogin({}));
    const before = tiktok.tokenRequests.length;

    const otherSession = {};
    await auth0.startLogin(otherSession);
    const outcome = await auth0.finishLogin(otherSession, callbackUrl);

    expect(outcome).toEqual({
      kind: "fail",
      challenge: { message: "Invalid authorization request state." },
      status: 403,
    });
    expect(tiktok.tokenRequests).toHaveLength(before);
    expectNothingHalfDone(auth0);
  });

  it("when a callback is replayed with a code TikTok has redeemed: a TokenError invalid_grant, and no second user", async () => {
    const auth0 = simulateAuth0(stack.connection, endpoints);
    const session = {};
    const callbackUrl = await visitTikTokAuthorize(await auth0.startLogin(session));
    const replayedSession = structuredClone(session);
    expectSuccess(await auth0.finishLogin(session, callbackUrl));

    const replay = await auth0.finishLogin(replayedSession, callbackUrl);

    expectTokenError(replay, "invalid_grant", 400);
    expect(auth0.record.tokens).toHaveLength(1);
    expect(auth0.record.profileRuns).toHaveLength(1);
    expect(auth0.record.users).toHaveLength(1);
  });

  it("when the connection's client secret is wrong: TikTok's invalid_client comes back as a 401 TokenError", async () => {
    const auth0 = simulateAuth0(stack.connection, endpoints, { clientSecret: "not-the-tiktok-client-secret" });
    const before = tiktok.tokenRequests.length;

    const { outcome } = await logIn(auth0);

    expectTokenError(outcome, "invalid_client", 401);
    expect(tiktok.tokenRequests).toHaveLength(before + 1);
    expectNothingHalfDone(auth0);
  });

  it("when the shared-secret header is missing: the proxy answers 401 invalid_client and never calls TikTok", async () => {
    const auth0 = simulateAuth0(stack.connection, endpoints, { withoutCustomHeaders: true });
    const before = tiktok.tokenRequests.length;

    const { outcome } = await logIn(auth0);

    const error = expectTokenError(outcome, "invalid_client", 401);
    expect(error.message).toContain("x-proxy-secret");
    expect(tiktok.tokenRequests).toHaveLength(before);
    expectNothingHalfDone(auth0);
  });

  it.each([
    ["answers HTTP 500", { kind: "http_500" } as const],
    ["resets the connection", { kind: "reset" } as const],
  ])("when TikTok's token endpoint %s: a 502 TokenError temporarily_unavailable", async (_, fault) => {
    tiktok.setTokenFault(fault);
    const auth0 = simulateAuth0(stack.connection, endpoints);

    const { outcome } = await logIn(auth0);

    expectTokenError(outcome, "temporarily_unavailable", 502);
    expectNothingHalfDone(auth0);
  });

  it("when TikTok's user info fails after the token exchange: the profile script's error ends the login, and no user is stored", async () => {
    tiktok.setUserInfoFault({ kind: "internal_error" });
    const auth0 = simulateAuth0(stack.connection, endpoints);

    const { outcome } = await logIn(auth0);

    if (outcome.kind !== "error") throw new Error(`Expected an error, got ${describeOutcome(outcome)}`);
    expect(outcome.error.message).toMatch(/^TikTok user info failed, HTTP 500, code internal_error/);
    expect(auth0.record.tokens).toHaveLength(1);
    expect(auth0.record.users).toEqual([]);
  });
});
