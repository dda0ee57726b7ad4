import fs from "node:fs";
import {
  FETCH_USER_PROFILE_SCRIPT_FILE,
  fetchUserProfileScriptFor,
  MAX_SCRIPT_CHARACTERS,
} from "../../component/profile-script";
import {
  Auth0Profile,
  loadFetchUserProfile,
  ProfileScriptRun,
  runFetchUserProfile,
} from "../support/auth0-profile-script";
import { startTikTokEmulator, TikTokEmulator, TikTokScope, TikTokUser } from "../support/tiktok-emulator";

/**
 * The fetchUserProfile script, run the way Auth0 runs it (see ../support/auth0-profile-script.ts):
 * the file's text evaluated as one function in a sandbox whose `require` offers the real axios, with
 * each request to TikTok's API sent to the emulator instead.
 */

const TIKTOK_USER_INFO_URL = "https://open.tiktokapis.com/v2/user/info/";

const FIELDS: Record<TikTokScope, (keyof TikTokUser)[]> = {
  "user.info.basic": ["open_id", "union_id", "avatar_url", "avatar_url_100", "avatar_large_url", "display_name"],
  "user.info.profile": ["bio_description", "profile_deep_link", "is_verified", "username"],
  "user.info.stats": ["follower_count", "following_count", "likes_count", "video_count"],
};

const SCRIPT = fs.readFileSync(FETCH_USER_PROFILE_SCRIPT_FILE, "utf8");

function runScript(
  emulator: TikTokEmulator,
  accessToken: string,
  context: Record<string, unknown>,
): Promise<ProfileScriptRun> {
  return runFetchUserProfile(SCRIPT, emulator.baseUrl, accessToken, context);
}

function requestedFields(url: string): string[] {
  return (new URL(url).searchParams.get("fields") ?? "").split(",");
}

const EMULATOR_OPTIONS = {
  clientKey: "awtestclientkey123",
  clientSecret: "tiktok-client-secret",
  redirectUris: ["https://example.auth0.com/login/callback"],
};

let emulator: TikTokEmulator;

beforeAll(async () => {
  emulator = await startTikTokEmulator(EMULATOR_OPTIONS);
});

afterAll(async () => {
  await emulator.close();
});

afterEach(() => {
  emulator.setUserInfoFault({ kind: "none" });
});

describe("the fetchUserProfile script file", () => {
  it("is one function Auth0 can evaluate, under Auth0's size limit", () => {
    expect(SCRIPT.length).toBeLessThan(MAX_SCRIPT_CHARACTERS);
    expect(typeof loadFetchUserProfile(SCRIPT, () => ({}))).toBe("function");
  });
});

describe.each<[string, TikTokScope[]]>([
  ["user.info.basic", ["user.info.basic"]],
  ["user.info.basic and user.info.profile", ["user.info.basic", "user.info.profile"]],
  ["all three scopes", ["user.info.basic", "user.info.profile", "user.info.stats"]],
])("with %s granted", (_, scopes) => {
  const allowed = scopes.flatMap((scope) => FIELDS[scope]);
  let outcome: ProfileScriptRun;

  beforeAll(async () => {
    outcome = await runScript(emulator, emulator.issueAccessToken(scopes), {
      scope: scopes.join(","),
      open_id: emulator.user.open_id,
    });
  });

  it("calls TikTok's user info endpoint once, through axios only", () => {
    expect(outcome.required).toEqual(["axios"]);
    expect(outcome.requested).toHaveLength(1);
    expect(outcome.requested[0].startsWith(`${TIKTOK_USER_INFO_URL}?fields=`)).toBe(true);
  });

  it("requests exactly the fields those scopes allow", () => {
    expect(requestedFields(outcome.requested[0]).sort()).toEqual([...allowed].sort());
  });

  it("logs the user in with union_id as the user_id", () => {
    expect(outcome.err).toBeNull();
    expect(outcome.profile?.user_id).toBe(emulator.user.union_id);
  });

  it("maps name, nickname and picture to Auth0's normalized profile", () => {
    const user = emulator.user;
    const hasUsername = scopes.includes("user.info.profile");
    expect(outcome.profile).toMatchObject({
      name: user.display_name,
      nickname: hasUsername ? user.username : user.display_name,
      picture: user.avatar_large_url,
    });
  });

  it("adds every granted TikTok field, and no other", () => {
    const expected: Auth0Profile = {};
    for (const field of allowed) expected[field] = emulator.user[field];
    const { user_id, name, nickname, picture, ...tiktokFields } = outcome.profile ?? {};
    expect([user_id, name, nickname, picture].every((value) => value !== undefined)).toBe(true);
    expect(tiktokFields).toEqual(expected);
  });
});

describe("the granted scopes", () => {
  it("are also read when Auth0 passes them space-separated", async () => {
    const token = emulator.issueAccessToken(["user.info.basic", "user.info.profile"]);
    const outcome = await runScript(emulator, token, { scope: "user.info.basic user.info.profile" });
    expect(outcome.err).toBeNull();
    expect(requestedFields(outcome.requested[0])).toContain("username");
  });

  it("default to user.info.basic when the token response names none", async () => {
    const outcome = await runScript(emulator, emulator.issueAccessToken(["user.info.basic"]), {});
    expect(outcome.err).toBeNull();
    expect(requestedFields(outcome.requested[0]).sort()).toEqual([...FIELDS["user.info.basic"]].sort());
  });
});

describe("TikTok's errors", () => {
  /** Whether `needle` appears in any string reachable from `value` through own properties. */
  function reaches(value: unknown, needle: string, seen = new Set<unknown>()): boolean {
    if (typeof value === "string") return value.includes(needle);
    if (value === null || typeof value !== "object" || seen.has(value)) return false;
    seen.add(value);
    return Object.getOwnPropertyNames(value).some((key) => {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      return descriptor !== undefined && "value" in descriptor && reaches(descriptor.value, needle, seen);
    });
  }

  /** The script must never pass on axios's error, which carries the Authorization header. */
  function expectNoToken(err: Error | null, token: string) {
    expect(err).not.toBeNull();
    expect(reaches(err, token)).toBe(false);
  }

  it("fail the login with TikTok's code and log_id when the access token is invalid", async () => {
    const token = "act.not-a-token-tiktok-issued";
    const outcome = await runScript(emulator, token, { scope: "user.info.basic" });
    expect(outcome.profile).toBeUndefined();
    expect(outcome.err?.message).toMatch(/HTTP 401, code access_token_invalid, .*log_id [0-9a-f]{32}/);
    expectNoToken(outcome.err, token);
  });

  it("fail the login when TikTok rate-limits the call", async () => {
    emulator.setUserInfoFault({ kind: "rate_limit_exceeded" });
    const token = emulator.issueAccessToken(["user.info.basic"]);
    const outcome = await runScript(emulator, token, { scope: "user.info.basic" });
    expect(outcome.err?.message).toMatch(/HTTP 429, code rate_limit_exceeded, .*log_id /);
    expectNoToken(outcome.err, token);
  });

  it("fail the login when TikTok has an internal error", async () => {
    emulator.setUserInfoFault({ kind: "internal_error" });
    const token = emulator.issueAccessToken(["user.info.basic"]);
    const outcome = await runScript(emulator, token, { scope: "user.info.basic" });
    expect(outcome.err?.message).toMatch(/HTTP 500, code internal_error, .*log_id /);
    expectNoToken(outcome.err, token);
  });

  it("fail the login when the token response claims a scope the token does not carry", async () => {
    const token = emulator.issueAccessToken(["user.info.basic"]);
    const outcome = await runScript(emulator, token, { scope: "user.info.basic,user.info.stats" });
    expect(outcome.err?.message).toMatch(/HTTP 400, code scope_permission_missed/);
  });

  it("fail the login when TikTok cannot be reached", async () => {
    const unreachable = await startTikTokEmulator(EMULATOR_OPTIONS);
    const token = unreachable.issueAccessToken(["user.info.basic"]);
    await unreachable.close();
    const outcome = await runScript(unreachable, token, { scope: "user.info.basic" });
    expect(outcome.err?.message).toMatch(/^TikTok user info request failed: /);
    expectNoToken(outcome.err, token);
  });

  it("fail the login when TikTok returns no union_id, since it is the user_id", async () => {
    const withoutUnionId = await startTikTokEmulator({ ...EMULATOR_OPTIONS, user: { union_id: undefined } });
    try {
      const outcome = await runScript(withoutUnionId, withoutUnionId.issueAccessToken(["user.info.basic"]), {
        scope: "user.info.basic",
      });
      expect(outcome.profile).toBeUndefined();
      expect(outcome.err?.message).toMatch(/returned no union_id/);
    } finally {
      await withoutUnionId.close();
    }
  });
});

describe("tiktok-auth0:userIdField", () => {
  const OPEN_ID_SCRIPT = fetchUserProfileScriptFor(SCRIPT, "open_id");

  it("is union_id in the file as committed, so a stack that never set the key keeps its users", async () => {
    expect(fetchUserProfileScriptFor(SCRIPT, "union_id")).toBe(SCRIPT);
    const outcome = await runScript(emulator, emulator.issueAccessToken(["user.info.basic"]), {
      scope: "user.info.basic",
    });
    expect(outcome.profile?.user_id).toBe(emulator.user.union_id);
  });

  it("set to open_id, logs the user in with TikTok's open_id as the user_id", async () => {
    const outcome = await runFetchUserProfile(
      OPEN_ID_SCRIPT,
      emulator.baseUrl,
      emulator.issueAccessToken(["user.info.basic"]),
      { scope: "user.info.basic" },
    );
    expect(outcome.err).toBeNull();
    expect(outcome.profile?.user_id).toBe(emulator.user.open_id);
    expect(outcome.profile?.user_id).not.toBe(emulator.user.union_id);
    // Both ids are still stored as profile fields, whichever is the user_id.
    expect(outcome.profile).toMatchObject({ open_id: emulator.user.open_id, union_id: emulator.user.union_id });
  });

  it("set to open_id, fails the login when TikTok returns no open_id rather than store a user without an id", async () => {
    const withoutOpenId = await startTikTokEmulator({ ...EMULATOR_OPTIONS, user: { open_id: undefined } });
    try {
      const outcome = await runFetchUserProfile(
        OPEN_ID_SCRIPT,
        withoutOpenId.baseUrl,
        withoutOpenId.issueAccessToken(["user.info.basic"]),
        { scope: "user.info.basic" },
      );
      expect(outcome.profile).toBeUndefined();
      expect(outcome.err?.message).toMatch(/returned no open_id, which is the Auth0 user_id/);
    } finally {
      await withoutOpenId.close();
    }
  });
});
