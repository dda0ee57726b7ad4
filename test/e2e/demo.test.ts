import { DEMO_TIKTOK_CLIENT_SECRET } from "../../scripts/demo-settings";
import { mockRandomPassword } from "../infra/support/pulumi-mocks";
import { runNpmScript, ScriptRun } from "../support/run-npm-script";

/** `npm run demo`, run as a user would, in a child process. */

let run: ScriptRun;

beforeAll(async () => {
  run = await runNpmScript("demo");
}, 30_000);

/** The lines under the heading `N. ...`, up to the next blank line. */
function hop(step: number): string {
  const start = run.stdout.indexOf(`\n${step}. `);
  if (start === -1) throw new Error(`The demo printed no hop ${step}:\n${run.stdout}`);
  const end = run.stdout.indexOf("\n\n", start + 1);
  return run.stdout.slice(start + 1, end === -1 ? undefined : end);
}

describe("npm run demo", () => {
  it("exits 0 on its own, with nothing on stderr", () => {
    expect(run).toMatchObject({ code: 0, timedOut: false, stderr: "" });
  });

  it("prints the authorize URL TikTok sees, with client_key and comma-separated scopes", () => {
    const text = hop(1);
    expect(text).toContain("GET https://www.tiktok.com/v2/auth/authorize/");
    expect(text).toMatch(/client_key\s+awdemoclientkey/);
    expect(text).toMatch(/scope\s+user\.info\.basic,user\.info\.profile/);
  });

  it("prints TikTok's redirect back to Auth0's callback with the code masked", () => {
    const text = hop(2);
    expect(text).toContain("GET https://demo-tenant.us.auth0.com/login/callback");
    expect(text).toMatch(/code\s+\S{4}…\n/);
  });

  it("prints the token request as TikTok received it, with the client secret hidden and the code masked", () => {
    const text = hop(3);
    expect(text).toContain("POST https://open.tiktokapis.com/v2/oauth/token/");
    expect(text).toMatch(/client_key\s+awdemoclientkey/);
    expect(text).toMatch(/client_secret\s+\*{8}\n/);
    expect(text).toMatch(/code\s+\S{4}…\n/);
    expect(text).not.toMatch(/client_id\s+awdemoclientkey/);
  });

  it("prints the token response with both tokens masked", () => {
    const text = hop(4);
    expect(text).toMatch(/access_token\s+act\.…\n/);
    expect(text).toMatch(/refresh_token\s+rft\.…\n/);
    expect(text).toMatch(/scope\s+user\.info\.basic,user\.info\.profile/);
  });

  it("prints the profile Auth0 stores, under oauth2|TikTok|<union_id>", () => {
    const text = hop(5);
    expect(text).toMatch(/user oauth2\|TikTok\|[0-9a-f-]{36}\n/);
    expect(text).toMatch(/name\s+Tik Toker/);
    expect(text).toMatch(/picture\s+https:\/\//);
  });

  it("never prints the client secret, the shared secret, or a whole code or token", () => {
    const output = run.stdout + run.stderr;
    expect(output).not.toContain(DEMO_TIKTOK_CLIENT_SECRET);
    // Both slots: the proxy accepts both, and the connection sends one of them.
    expect(output).not.toContain(mockRandomPassword("tiktok-proxy-shared-secret-a"));
    expect(output).not.toContain(mockRandomPassword("tiktok-proxy-shared-secret-b"));
    // The emulator's codes and tokens all end like TikTok's real ones, with "!4994.va".
    expect(output).not.toContain("4994.va");
    expect(output).not.toMatch(/(act|rft)\.[A-Za-z0-9_-]/);
  });
});
