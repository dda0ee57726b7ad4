/**
 * The part of js-yaml 4 the stack-file check and the workflow tests use: js-yaml ships no type
 * declarations of its own.
 */
declare module "js-yaml" {
  export function load(text: string, options?: { filename?: string }): unknown;
}
