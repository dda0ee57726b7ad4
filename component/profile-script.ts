import * as fs from "node:fs";
import * as path from "node:path";
import { USER_ID_FIELDS, UserIdField } from "./settings";

/**
 * The `fetchUserProfile` script Auth0 runs for every TikTok login: read from the repository, with the
 * stack's user-id field written in, and checked against Auth0's limits before anything is deployed.
 * Also reads a live connection's script to tell which TikTok field it made the `user_id`.
 */

/**
 * Uploaded byte for byte, comments included: any edit, even to a comment, is an update of every
 * deployed connection (a PATCH that replaces its whole `options`). Its first comment still names
 * infra/tiktok-connection.ts, where the uploader lived before 0.2.0, for that reason;
 * test/infra/inputs-baseline.test.ts fails on any change that would update a deployed resource.
 */
export const FETCH_USER_PROFILE_SCRIPT_FILE = path.join(__dirname, "auth0", "fetch-user-profile.js");
/** Auth0 rejects longer scripts. */
export const MAX_SCRIPT_CHARACTERS = 51_200;

/** The one line of the script that names the user-id field; its value is replaced per stack. */
const USER_ID_FIELD_LINE = /^(\s*var USER_ID_FIELD = )"[a-z_]+";$/m;

/** The script exactly as it is in the repository; fails at program start if Auth0 would reject it. */
export function readFetchUserProfileScript(file: string): string {
  const script = fs.readFileSync(file, "utf8");
  if (script.length > MAX_SCRIPT_CHARACTERS) {
    throw new Error(
      `${file} has ${script.length} characters; Auth0 accepts at most ${MAX_SCRIPT_CHARACTERS}. Shorten the script.`,
    );
  }
  if (!/^function fetchUserProfile\s*\(/.test(script)) {
    throw new Error(`${file} must start with "function fetchUserProfile(": Auth0 runs the text as that one function.`);
  }
  return script;
}

/**
 * The script with `userIdField` as its `USER_ID_FIELD`. A template line rather than a second file per
 * field: the script stays one piece of plain JavaScript that the tests run as Auth0 does.
 */
export function fetchUserProfileScriptFor(script: string, userIdField: UserIdField): string {
  const lines = script.match(new RegExp(USER_ID_FIELD_LINE.source, "gm")) ?? [];
  if (lines.length !== 1) {
    throw new Error(
      `The profile script must contain exactly one line \`var USER_ID_FIELD = "…";\` for the stack to set; found ${lines.length}.`,
    );
  }
  return script.replace(USER_ID_FIELD_LINE, `$1${JSON.stringify(userIdField)};`);
}

/**
 * Which TikTok field a profile script returns as `user_id`, read from its text: this project's own
 * `USER_ID_FIELD` line, or else every `user_id: …` / `user_id = …` of a hand-written script, when each
 * is a plain property read ending in the same one of `union_id` and `open_id` (`user.open_id`,
 * `body.data.user["union_id"]`). `undefined` whenever the text does not say so plainly: no such
 * assignment, two fields, or an id that is built, prefixed or transformed. Guessing wrong would tell
 * an adopter to set the field that duplicates every user; "cannot tell" only asks them to check.
 */
export function userIdFieldOfScript(script: string): UserIdField | undefined {
  const code = withoutComments(script);
  const own = /\bUSER_ID_FIELD\s*=\s*["'](union_id|open_id)["']\s*;/.exec(code);
  if (own) return own[1] as UserIdField;
  const named = new Set<UserIdField>();
  // The expression after `user_id:`, `"user_id":` or `user_id =` (not `==`), up to the end of that
  // property or statement.
  for (const match of code.matchAll(/(?:\buser_id\b|(["'])user_id\1\s*\]?)\s*(?::|=(?![=>]))\s*([^,;}\n)]*)/g)) {
    const field = plainPropertyRead((match[2] ?? "").trim());
    if (field === undefined) return undefined;
    named.add(field);
  }
  return named.size === 1 ? [...named][0] : undefined;
}

/** `a.b.open_id` or `a["union_id"]`: the field read, else `undefined`. */
function plainPropertyRead(expression: string): UserIdField | undefined {
  const read = /^[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*|\s*\[\s*(["'])[\w$]+\1\s*\])*$/;
  if (!read.test(expression)) return undefined;
  const last = /([\w$]+)["']?\s*\]?$/.exec(expression)?.[1];
  return USER_ID_FIELDS.find((field) => field === last);
}

/** The text without `/* … *\/` and `// …` comments (a `//` after a colon, as in a URL, is kept). */
function withoutComments(script: string): string {
  return script.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/(^|[^:\\])\/\/.*$/gm, "$1");
}
