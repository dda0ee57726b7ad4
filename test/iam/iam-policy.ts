import fs from "node:fs";
import path from "node:path";

/**
 * Just enough of IAM's policy evaluation to ask "does this identity policy allow action A on
 * resource R?": Allow statements only (the shipped policies have no Deny), `Action` and `Resource`
 * with IAM's `*` and `?` wildcards (case-insensitive for actions, case-sensitive for ARNs), and
 * `StringEquals` conditions against a given request context.
 */

export interface Statement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
  Principal?: unknown;
}

export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

export const IAM_DIR = path.resolve(__dirname, "../../iam");

/** A shipped policy with its placeholders (ACCOUNT_ID, ...) replaced. */
export function loadPolicy(file: string, placeholders: Record<string, string> = {}): PolicyDocument {
  let text = fs.readFileSync(path.join(IAM_DIR, file), "utf8");
  for (const [name, value] of Object.entries(placeholders)) text = text.split(name).join(value);
  return JSON.parse(text) as PolicyDocument;
}

export const listOf = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : ([] as string[]).concat(value);

function wildcard(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, caseInsensitive ? "i" : "");
}

function conditionsHold(statement: Statement, context: Record<string, string>): boolean {
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    if (operator !== "StringEquals") return false; // unknown operators never match here
    for (const [key, expected] of Object.entries(entries)) {
      if (!listOf(expected).includes(context[key])) return false;
    }
  }
  return true;
}

export function allows(
  policy: PolicyDocument,
  action: string,
  resource: string,
  context: Record<string, string> = {},
): boolean {
  return policy.Statement.some(
    (statement) =>
      statement.Effect === "Allow" &&
      listOf(statement.Action).some((pattern) => wildcard(pattern, true).test(action)) &&
      listOf(statement.Resource).some((pattern) => wildcard(pattern, false).test(resource)) &&
      conditionsHold(statement, context),
  );
}

/** Every action a policy names, in order of appearance. */
export function actionsOf(policy: PolicyDocument): string[] {
  return policy.Statement.flatMap((statement) => listOf(statement.Action));
}
