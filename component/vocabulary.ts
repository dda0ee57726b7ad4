/**
 * How a validation message names a setting and the fix for it. The rules are one set (infra/config.ts);
 * who reads the message differs: the stack's operator fixes a `Pulumi.<stack>.yaml` with
 * `pulumi config`, a component caller fixes an input in a program of their own, in any language, and
 * must never be told to run `pulumi config set`.
 */

/** The stack's configuration namespace: its settings are `tiktok-auth0:<key>`. */
export const CONFIG_NAMESPACE = "tiktok-auth0";

/** `tiktok-auth0:<key>`, as the stack's messages name a setting. */
export function fullKey(key: string): string {
  return `${CONFIG_NAMESPACE}:${key}`;
}

/** A value as a fix shows it: a string, a number, a list, or a placeholder shown as it is (`<1-30000>`). */
export type ShownValue = string | number | readonly string[] | { placeholder: string };

export interface Vocabulary {
  /** What has the problems, as the first line of the error says it: "The stack configuration". */
  subject: string;
  /** How a message names the setting: `tiktok-auth0:scopes`, or the input `scopes`. */
  key(key: string): string;
  /** The fix that sets it: "run `pulumi config set …`", or "set scopes to […]". */
  set(key: string, value: ShownValue): string;
  /** The fix that sets a list; the stack file may also list the items. */
  setList(key: string, value: readonly string[]): string;
  /** The fix that sets a secret. */
  setSecret(key: string, placeholder: string): string;
  /** An alternative fix that removes the setting, for its default ("`pulumi config rm …`", "leave … out"). */
  unset(key: string): string;
  /** The fix for a setting that must go. */
  remove(key: string): string;
  /** Whether the rules check `auth0:domain`: the stack names its tenant; a component uses the caller's provider. */
  checksTenant: boolean;
}

function shownInConfig(value: ShownValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if ("placeholder" in value) return value.placeholder;
  return `'${JSON.stringify(value)}'`;
}

function shownInCode(value: ShownValue): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if ("placeholder" in value) return value.placeholder;
  return JSON.stringify(value);
}

/** The stack's own words: keys as `tiktok-auth0:<key>`, fixes as `pulumi config` commands. */
export const STACK_CONFIG_WORDS: Vocabulary = {
  subject: "The stack configuration",
  key: fullKey,
  set: (key, value) => `run \`pulumi config set ${key} ${shownInConfig(value)}\``,
  setList: (key, value) =>
    `run \`pulumi config set ${key} ${shownInConfig(value)}\`, or list the items under ${fullKey(key)} in Pulumi.<stack>.yaml`,
  setSecret: (key, placeholder) => `run \`pulumi config set --secret ${key} ${placeholder}\``,
  unset: (key) => `\`pulumi config rm ${key}\``,
  remove: (key) => `run \`pulumi config rm ${key}\``,
  checksTenant: true,
};

/** A component caller's words: `<component> input <key>`, fixes as values in their own program. */
export function componentWords(component: string): Vocabulary {
  const input = (key: string) => `${component} input ${key}`;
  return {
    subject: component,
    key: input,
    set: (key, value) => `set ${key} to ${shownInCode(value)}`,
    setList: (key, value) => `set ${key} to ${shownInCode(value)}`,
    setSecret: (key) =>
      `pass ${key}, as a secret (for example from config.requireSecret, or config.require_secret in Python)`,
    unset: (key) => `leave ${key} out`,
    remove: (key) => `remove ${key}`,
    checksTenant: false,
  };
}

export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
