/**
 * The part of js-yaml 4 the workflow and stack-config tests use. js-yaml is not a direct dependency:
 * it is installed with @pulumi/pulumi (which depends on js-yaml ^4) and ships no type declarations.
 */
declare module "js-yaml" {
  export function load(text: string, options?: { filename?: string }): unknown;
}
