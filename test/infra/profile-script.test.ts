import fs from "node:fs";
import {
  FETCH_USER_PROFILE_SCRIPT_FILE,
  fetchUserProfileScriptFor,
  userIdFieldOfScript,
} from "../../component/profile-script";
import { OPAQUE_SCRIPT, OPEN_ID_SCRIPT, UNION_ID_SCRIPT } from "./fixtures/hand-made-connection";

const SCRIPT = fs.readFileSync(FETCH_USER_PROFILE_SCRIPT_FILE, "utf8");

describe("fetchUserProfileScriptFor", () => {
  it("writes the field into the one USER_ID_FIELD line and changes nothing else", () => {
    const rendered = fetchUserProfileScriptFor(SCRIPT, "open_id");
    expect(rendered).toContain('  var USER_ID_FIELD = "open_id";\n');
    expect(rendered.replace('"open_id";', '"union_id";')).toBe(SCRIPT);
  });

  it("refuses a script without exactly one USER_ID_FIELD line, instead of uploading one that ignores the setting", () => {
    expect(() => fetchUserProfileScriptFor("function fetchUserProfile() {}", "open_id")).toThrow(
      'The profile script must contain exactly one line `var USER_ID_FIELD = "…";` for the stack to set; found 0.',
    );
    const twice = SCRIPT.replace(
      'var USER_ID_FIELD = "union_id";',
      'var USER_ID_FIELD = "union_id";\n  var USER_ID_FIELD = "union_id";',
    );
    expect(() => fetchUserProfileScriptFor(twice, "open_id")).toThrow("found 2");
  });
});

describe("userIdFieldOfScript", () => {
  it("reads this project's own script, for either setting", () => {
    expect(userIdFieldOfScript(SCRIPT)).toBe("union_id");
    expect(userIdFieldOfScript(fetchUserProfileScriptFor(SCRIPT, "open_id"))).toBe("open_id");
  });

  it("reads a hand-made script by its user_id expression, not by the fields it merely asks for", () => {
    expect(userIdFieldOfScript(OPEN_ID_SCRIPT)).toBe("open_id");
    expect(userIdFieldOfScript(UNION_ID_SCRIPT)).toBe("union_id");
  });

  it.each([
    ["profile.user_id = data.open_id;", "open_id"],
    ['{ "user_id": ctx.open_id }', "open_id"],
    ["user_id: body.data.user.union_id, name: x", "union_id"],
    ["p['user_id'] = u['union_id'];", "union_id"],
    ["// user_id: open_id differs per app\np['user_id'] = u.union_id;", "union_id"],
    ["/* user_id = u.open_id */ profile.user_id = u.union_id;", "union_id"],
  ])("reads %s", (script, field) => {
    expect(userIdFieldOfScript(script)).toBe(field);
  });

  it.each([
    ["an id built by a helper", OPAQUE_SCRIPT],
    ["no user_id at all", "function (a, c, cb) { cb(null, {}); }"],
    ["two user_id assignments naming different fields", "p.user_id = u.open_id; q.user_id = u.union_id;"],
    ["one assignment naming both", "user_id: u.union_id || u.open_id"],
    ["a comparison, not an assignment", "if (user_id == open_id) {}"],
    ["a prefixed id", "user_id: 'tiktok|' + body.data.user.open_id"],
    ["a transformed id", "user_id: u.open_id.toLowerCase()"],
    ["a hashed id", "user_id: sha256(u.union_id)"],
    ["a log line that mentions user_id", "console.log('user_id: ' + u.open_id); p.user_id = u.union_id;"],
    ["a query string", "url = base + '?user_id=' + ctx.open_id"],
    ["ES2015 shorthand", "var user_id = idOf(u); cb(null, { user_id });"],
  ])("cannot tell from %s", (_, script) => {
    expect(userIdFieldOfScript(script)).toBeUndefined();
  });
});
