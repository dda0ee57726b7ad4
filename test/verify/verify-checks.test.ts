import { createServer, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BOGUS_CODE, CheckResult, hasFailures, runVerifyChecks, VerifyTarget } from "../../scripts/verify-checks";
import { fetchHttpClient } from "../../scripts/verify-http";
import { FakeAuth0, startFakeAuth0Authorize } from "../support/fake-auth0-authorize";
import { RunningProxy, startProxy } from "../support/proxy-harness";
import { startTikTokEmulator, TikTokEmulator } from "../support/tiktok-emulator";

/**
 * The three checks of `npm run verify` against local stand-ins of a deployment: the real proxy
 * (as the Lambda runs it) in front of the TikTok emulator, and a fake of Auth0's /authorize.
 */

const CLIENT_KEY = "awverifyclientkey";
const CLIENT_SECRET = "verify-tiktok-client-secret";
const SHARED_SECRET = "VerifySharedSecret0123456789abcdefghijklmnop";
const CONNECTION_NAME = "TikTok";
const APP_CLIENT_ID = "auth0AppClientId123";
const APP_CALLBACK = "https://app.example.com/callback";
const SCOPES = ["user.info.basic", "user.info.profile"];

let tiktok: TikTokEmulator;
let proxy: RunningProxy;
let openProxy: RunningProxy;
let auth0: FakeAuth0;
let forbidden: Server;
let forbiddenUrl: string;

beforeAll(async () => {
  tiktok = await startTikTokEmulator({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, redirectUris: [] });
  proxy = await startProxy({
    TIKTOK_TOKEN_URL: tiktok.tokenUrl,
    TIKTOK_CLIENT_KEY: CLIENT_KEY,
    PROXY_SHARED_SECRET: SHARED_SECRET,
  });
  // A deployment whose function lost PROXY_SHARED_SECRET.
  openProxy = await startProxy({ TIKTOK_TOKEN_URL: tiktok.tokenUrl, TIKTOK_CLIENT_KEY: CLIENT_KEY });
  auth0 = await startFakeAuth0Authorize({
    connectionName: CONNECTION_NAME,
    clientId: APP_CLIENT_ID,
    allowedCallbacks: [APP_CALLBACK],
    tiktokClientKey: CLIENT_KEY,
    scopes: SCOPES,
  });
  // What AWS answers for a function URL whose resource policy does not allow the call.
  forbidden = createServer((_, res) => {
    res.writeHead(403, { "content-type": "application/json" });
    res.end('{"Message":"Forbidden"}');
  });
  await new Promise<void>((resolve) => forbidden.listen(0, "127.0.0.1", resolve));
  forbiddenUrl = `http://127.0.0.1:${(forbidden.address() as AddressInfo).port}/proxy/token`;
});

afterAll(async () => {
  await Promise.all([proxy?.close(), openProxy?.close(), auth0?.close(), tiktok?.close()]);
  forbidden?.closeAllConnections();
  await new Promise((resolve) => forbidden?.close(resolve));
});

afterEach(() => {
  tiktok.setTokenFault({ kind: "none" });
  auth0.setRedirectStyle("v2");
});

function target(overrides: Partial<VerifyTarget> = {}): VerifyTarget {
  return {
    tokenUrl: `${proxy.serverUrl}/proxy/token`,
    sharedSecret: SHARED_SECRET,
    tiktokClientKey: CLIENT_KEY,
    tiktokClientSecret: CLIENT_SECRET,
    auth0BaseUrl: auth0.baseUrl,
    connectionName: CONNECTION_NAME,
    clientId: APP_CLIENT_ID,
    redirectUri: APP_CALLBACK,
    scopes: SCOPES,
    ...overrides,
  };
}

const verify = (overrides: Partial<VerifyTarget> = {}): Promise<CheckResult[]> =>
  runVerifyChecks(target(overrides), fetchHttpClient());
const statuses = (results: CheckResult[]) => results.map((result) => result.status);

describe("a healthy deployment", () => {
  let results: CheckResult[];
  let tokenRequestsBefore: number;

  beforeAll(async () => {
    tokenRequestsBefore = tiktok.tokenRequests.length;
    results = await verify();
  });

  it("passes all three checks, with no fix hints", () => {
    expect(statuses(results)).toEqual(["PASS", "PASS", "PASS"]);
    expect(results.every((result) => result.hint === undefined)).toBe(true);
    expect(hasFailures(results)).toBe(false);
  });

  it("says what each check proved", () => {
    expect(results[0].summary).toMatch(/401 invalid_client/);
    expect(results[1].summary).toMatch(/invalid_grant \(400\).*TikTok is reachable/);
    expect(results[2].summary).toMatch(
      /https:\/\/www\.tiktok\.com\/v2\/auth\/authorize\/ with client_key and scope user\.info\.basic,user\.info\.profile/,
    );
  });

  it("sends TikTok only the request carrying the shared secret: a made-up code with the stack's client key and secret", () => {
    expect(tiktok.tokenRequests.slice(tokenRequestsBefore)).toEqual([
      {
        client_key: CLIENT_KEY,
        client_secret: CLIENT_SECRET,
        grant_type: "authorization_code",
        code: BOGUS_CODE,
        redirect_uri: `${auth0.baseUrl}/login/callback`,
      },
    ]);
  });

  it("never puts a secret in its results", () => {
    const text = JSON.stringify(results);
    expect(text).not.toContain(SHARED_SECRET);
    expect(text).not.toContain(CLIENT_SECRET);
  });
});

describe("the relay check", () => {
  it("fails when the proxy forwards requests without the shared secret, and says to restore it", async () => {
    const [relay, exchange] = await verify({ tokenUrl: `${openProxy.serverUrl}/proxy/token` });
    expect(relay.status).toBe("FAIL");
    expect(relay.summary).toMatch(/passed on to TikTok \(answer: 400 invalid_grant\) instead of being refused/);
    expect(relay.hint).toMatch(/PROXY_SHARED_SECRET is unset.*pulumi up/);
    expect(exchange.status).toBe("PASS");
  });

  it("fails when nothing answers at the token URL", async () => {
    const [relay, exchange] = await verify({ tokenUrl: "http://127.0.0.1:1/proxy/token" });
    expect(relay).toMatchObject({
      status: "FAIL",
      summary: expect.stringMatching(/^no answer from http:\/\/127\.0\.0\.1:1\/proxy\/token/),
    });
    expect(exchange.status).toBe("FAIL");
  });
});

describe("the token exchange check", () => {
  it("fails with an invalid_client hint pointing at the client key and secret when TikTok refuses them", async () => {
    const [relay, exchange] = await verify({ tiktokClientSecret: "not-the-client-secret" });
    expect(relay.status).toBe("PASS");
    expect(exchange).toMatchObject({
      status: "FAIL",
      summary: "TikTok refused the client key or secret (401 invalid_client).",
    });
    expect(exchange.hint).toMatch(/tiktokClientSecret/);
  });

  it("fails with a hint to re-deploy when the stack's shared secret is not the deployed one", async () => {
    const [, exchange] = await verify({ sharedSecret: "a-stale-shared-secret" });
    expect(exchange.status).toBe("FAIL");
    expect(exchange.summary).toMatch(/refused the stack's proxySharedSecret/);
    expect(exchange.hint).toMatch(/pulumi up/);
  });

  it("fails with a 502 hint about reaching TikTok when TikTok's token endpoint is down", async () => {
    tiktok.setTokenFault({ kind: "http_500" });
    const [, exchange] = await verify();
    expect(exchange.status).toBe("FAIL");
    expect(exchange.summary).toMatch(/^the proxy got no usable answer from TikTok \(502 temporarily_unavailable/);
    expect(exchange.hint).toMatch(/internet access/);
  });

  it("fails with a permissions hint when the function URL answers 403", async () => {
    const [relay, exchange] = await verify({ tokenUrl: forbiddenUrl });
    for (const result of [relay, exchange]) {
      expect(result.status).toBe("FAIL");
      expect(result.summary).toMatch(/403 Forbidden/);
      expect(result.hint).toMatch(/lambda:InvokeFunctionUrl.*lambda:InvokeFunction/);
    }
  });
});

describe("the Auth0 authorize check", () => {
  it.each([
    ["client_id and no client_key", "client_id_only", /carries client_id and no client_key/],
    [
      "space-separated scopes",
      "space_separated_scopes",
      /scope "user\.info\.basic user\.info\.profile" is space-separated/,
    ],
    ["TikTok's v1 URL", "v1", /TikTok's v1 authorize URL/],
  ] as const)("fails when Auth0 redirects with %s", async (_, style, expected) => {
    auth0.setRedirectStyle(style);
    const [, , authorize] = await verify();
    expect(authorize.status).toBe("FAIL");
    expect(authorize.summary).toMatch(expected);
    expect(authorize.hint).toMatch(/pulumi up/);
  });

  it("fails when the redirect carries other scopes than the stack's", async () => {
    const [, , authorize] = await verify({ scopes: ["user.info.basic"] });
    expect(authorize.status).toBe("FAIL");
    expect(authorize.summary).toMatch(
      /its scope is user\.info\.basic,user\.info\.profile, not the stack's user\.info\.basic/,
    );
  });

  it("fails with a hint about enabled applications and callbacks when Auth0 refuses the request", async () => {
    const [, , authorize] = await verify({ redirectUri: "https://not-allowed.example.com/callback" });
    expect(authorize).toMatchObject({
      status: "FAIL",
      summary: "Auth0's /authorize answered 400 instead of redirecting to TikTok.",
    });
    expect(authorize.hint).toMatch(/enabled for the application auth0AppClientId123.*Allowed Callback URLs/);
  });

  it("is skipped, not failed, without an application, and says what to pass", async () => {
    const results = await verify({ clientId: undefined });
    expect(statuses(results)).toEqual(["PASS", "PASS", "SKIP"]);
    expect(results[2].summary).toMatch(/--client-id/);
    expect(hasFailures(results)).toBe(false);
  });

  it("is skipped, not failed, without a callback URL, and says what to pass", async () => {
    const [, , authorize] = await verify({ redirectUri: undefined });
    expect(authorize.status).toBe("SKIP");
    expect(authorize.summary).toMatch(/--redirect-uri.*VERIFY_REDIRECT_URI/);
  });
});
