import type {
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import * as policySdk from "@pulumi/policy";
import { TOKEN_PROXY_COMPONENT_TYPE } from "../../policy/policies";

/**
 * Hand-made arguments for the policies' validateResource / validateStack, shaped like the ones
 * @pulumi/policy's analyzer server builds, and a recorder for what they report.
 */

export const PROJECT = "tiktok-auth0";
export const STACK = "dev";

/**
 * The engine's sentinel for a string unknown during preview. Kept here (and checked against
 * @pulumi/policy's own copy in policies.test.ts) because the SDK does not export it.
 */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Violation {
  message: string;
  urn?: string;
}

/** A URN the way the engine builds it: the parents' types, then the resource's, joined with `$`. */
export function urnOf(type: string, name: string, parentTypes: readonly string[] = []): string {
  return `urn:pulumi:${STACK}::${PROJECT}::${[...parentTypes, type].join("$")}::${name}`;
}

/** The parent types of a child of the TokenProxy component. */
export const IN_TOKEN_PROXY = [TOKEN_PROXY_COMPONENT_TYPE];

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function unused(what: string): never {
  throw new Error(`${what} is not used by this repository's policies; the harness does not implement it.`);
}

export interface ResourceOptions {
  name?: string;
  parentTypes?: readonly string[];
  /** The `protect` resource option; false, the engine's default, unless given. */
  protect?: boolean;
}

export function resourceArgs(
  type: string,
  props: Record<string, unknown>,
  options: ResourceOptions = {},
): ResourceValidationArgs {
  const name = options.name ?? "resource";
  return {
    type,
    props,
    urn: urnOf(type, name, options.parentTypes),
    name,
    opts: { ...OPTIONS, protect: options.protect ?? false },
    stackTags: new Map(),
    isType: () => unused("isType"),
    asType: () => unused("asType"),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: () => unused("notApplicable"),
  };
}

export interface StackResourceOptions extends ResourceOptions {
  /** Resources each property depends on, as the engine reports them. */
  propertyDependencies?: Record<string, PolicyResource[]>;
}

export function stackResource(
  type: string,
  props: Record<string, unknown>,
  options: StackResourceOptions = {},
): PolicyResource {
  const name = options.name ?? "resource";
  return {
    type,
    props,
    urn: urnOf(type, name, options.parentTypes),
    name,
    opts: { ...OPTIONS, protect: options.protect ?? false },
    dependencies: [],
    propertyDependencies: options.propertyDependencies ?? {},
    isType: () => unused("isType"),
    asType: () => unused("asType"),
  };
}

export function stackArgs(resources: PolicyResource[]): StackValidationArgs {
  return {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: () => unused("notApplicable"),
  };
}

function recorder(): { violations: Violation[]; report: ReportViolation } {
  const violations: Violation[] = [];
  const report: ReportViolation = (message, urn) => {
    violations.push(urn === undefined ? { message } : { message, urn });
  };
  return { violations, report };
}

/** Runs every validateResource of the policy and returns what it reported. */
export async function resourceViolations(
  policy: ResourceValidationPolicy,
  args: ResourceValidationArgs,
): Promise<Violation[]> {
  const { violations, report } = recorder();
  const { validateResource } = policy;
  if (validateResource === undefined) throw new Error(`${policy.name} has no validateResource`);
  const validations = Array.isArray(validateResource) ? validateResource : [validateResource];
  for (const validate of validations) await validate(args, report);
  return violations;
}

export async function stackViolations(
  policy: StackValidationPolicy,
  resources: PolicyResource[],
): Promise<Violation[]> {
  const { violations, report } = recorder();
  await policy.validateStack(stackArgs(resources), report);
  return violations;
}

/**
 * The proxy @pulumi/policy wraps every props object in: reading an unknown value through it throws,
 * which the analyzer turns into an advisory "can't run policy during preview". Not in the SDK's
 * type declarations, hence the cast.
 */
const sdkInternals = policySdk as unknown as {
  unknownCheckingProxy<T extends object>(props: T): T;
  UnknownValueError: new (...args: never[]) => Error;
};
export const unknownCheckingProxy = <T extends object>(props: T): T => sdkInternals.unknownCheckingProxy(props);
export const UnknownValueError = sdkInternals.UnknownValueError;
