import { OAuth2 } from "oauth";
import { startTikTokEmulator, TikTokEmulator } from "../support/tiktok-emulator";
import { startWithNpm, StartedServer } from "../support/npm-start";

const CLIENT_KEY = "awoauthclientkey";
const CLIENT_SECRET = "oauth-client-secret";
const REDIRECT_URI = "https://tenant.example.auth0.com/login/callback";

interface Exchange {
  error?: { statusCode: number; data?: string };
  accessToken?: string;
  refreshToken?: string;
  results?: Record<string, unknown>;
}

let tiktok: TikTokEmulator;
let server: StartedServer;
let client: OAuth2;

beforeAll(async () => {
  tiktok = await startTikTokEmulator({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
  });
  server = await startWithNpm({ TIKTOK_TOKEN_URL: tiktok.tokenUrl, TIKTOK_CLIENT_KEY: CLIENT_KEY });
  // The same library, configured the same way, that passport-oauth2 (and so Auth0's custom connections) uses.
  client = new OAuth2(CLIENT_KEY, CLIENT_SECRET, "", "https://www.tiktok.com/v2/auth/authorize/", server.tokenUrl);
}, 40_000);

afterAll(async () => {
  await server?.stop();
  await tiktok?.close();
});

function exchange(code: string): Promise<Exchange> {
  return new Promise((resolve) => {
    client.getOAuthAccessToken(
      code,
      { grant_type: "authorization_code", redirect_uri: REDIRECT_URI },
      (error, accessToken, refreshToken, results) =>
        resolve({ error: error as Exchange["error"], accessToken, refreshToken, results }),
    );
  });
}

describe("the oauth client library against `npm start`", () => {
  it("completes a code exchange and gets TikTok's tokens", async () => {
    const result = await exchange(tiktok.issueCode({ scopes: ["user.info.basic"] }));

    expect(result.error).toBeFalsy();
    expect(result.accessToken).toEqual(expect.any(String));
    expect(result.refreshToken).toEqual(expect.any(String));
    expect(result.results).toMatchObject({
      token_type: "Bearer",
      open_id: tiktok.user.open_id,
      scope: "user.info.basic",
    });
    expect(tiktok.tokenRequests.at(-1)).toMatchObject({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET });
  });

  it("surfaces a reused code as an error carrying TikTok's invalid_grant", async () => {
    const code = tiktok.issueCode();
    expect((await exchange(code)).error).toBeFalsy();

    const { error, accessToken } = await exchange(code);

    expect(accessToken).toBeUndefined();
    expect(error?.statusCode).toBe(400);
    expect(JSON.parse(error?.data ?? "{}")).toMatchObject({ error: "invalid_grant" });
  });

  it("surfaces TikTok being down as an error, not as a token", async () => {
    tiktok.setTokenFault({ kind: "http_500" });
    try {
      const { error } = await exchange(tiktok.issueCode());
      expect(error?.statusCode).toBe(502);
      expect(JSON.parse(error?.data ?? "{}")).toMatchObject({ error: "temporarily_unavailable" });
    } finally {
      tiktok.setTokenFault({ kind: "none" });
    }
  });

  it("logs one JSON line per request on stdout, without the client secret", () => {
    const lines = server
      .stdout()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.outcome)).toEqual(["ok", "ok", "tiktok_error", "upstream_error"]);
    expect(server.stdout()).not.toContain(CLIENT_SECRET);
  });
});
