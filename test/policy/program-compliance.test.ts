import * as pulumi from "@pulumi/pulumi";
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { tiktokAuth0 } from "../../infra/program";
import { policies, TYPES } from "../../policy/policies";
import { installMocks, recordingMocks, REQUIRED_CONFIG, SECRET_KEYS } from "../infra/support/pulumi-mocks";
import { resourceArgs, resourceViolations, stackResource, stackViolations, Violation } from "./policy-harness";

/**
 * The program as written (infra/program.ts, under the same mocks as test/infra) against every policy
 * of the pack: what `pulumi preview --policy-pack policy` would decide, minus the real providers.
 * Each registered resource is checked with validateResource, and all of them with validateStack.
 */

interface Registered {
  urn: string;
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** The `protect` resource option, from the engine's register request. */
  protect: boolean;
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** Serialized state as the analyzer hands it to policies: secrets unwrapped, resource references as IDs. */
function asPolicyValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asPolicyValue);
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if (object[SIG_KEY] === SECRET_SIG) return asPolicyValue(object.value);
  if (object[SIG_KEY] === RESOURCE_SIG) return object.id ?? object.urn;
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, asPolicyValue(item)]));
}

/** `urn:pulumi:<stack>::<project>::<parent types$type>::<name>` */
function typeAndName(urn: string): { type: string; name: string } {
  const [, , qualifiedType, ...name] = urn.split("::");
  return { type: qualifiedType.split("$").pop() ?? qualifiedType, name: name.join("::") };
}

async function registeredResources(): Promise<Registered[]> {
  const recorder = recordingMocks();
  await installMocks(recorder);
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  pulumi.runtime.setAllConfig(
    {
      ...REQUIRED_CONFIG,
      "tiktok-auth0:enabledClients": '["clientIdOfTheWebApp"]',
      "tiktok-auth0:alarmEmail": "oncall@example.com",
    },
    SECRET_KEYS,
  );
  await tiktokAuth0();
  await pulumi.runtime.disconnect();
  return [...monitor.getRegisteredResources().values()].map(({ urn, state }) => {
    const { type, name } = typeAndName(urn);
    const recorded = recorder.resources.find((resource) => resource.type === type && resource.name === name);
    return {
      urn,
      type,
      name,
      props: asPolicyValue(state) as Record<string, unknown>,
      protect: recorded?.options.protect ?? false,
    };
  });
}

let resources: Registered[];

beforeAll(async () => {
  resources = await registeredResources();
});

function isResourcePolicy(policy: (typeof policies)[number]): policy is ResourceValidationPolicy {
  return "validateResource" in policy;
}

function isStackPolicy(policy: (typeof policies)[number]): policy is StackValidationPolicy {
  return "validateStack" in policy;
}

describe("the program in infra/ checked by the policy pack", () => {
  it("registers the resources the policies are written for, as children of the token proxy where expected", () => {
    const types = resources.map((resource) => resource.type);
    for (const type of [
      TYPES.lambdaFunction,
      TYPES.functionUrl,
      TYPES.permission,
      TYPES.logGroup,
      TYPES.iamRole,
      TYPES.iamRolePolicy,
      TYPES.auth0Connection,
    ]) {
      expect(types).toContain(type);
    }
    const url = resources.find((resource) => resource.type === TYPES.functionUrl);
    expect(url?.urn).toContain("tiktok-auth0:index:TokenProxy$aws:lambda/functionUrl:FunctionUrl");
  });

  it("hands the policies secrets as plain values, as the analyzer does, so the shared-secret checks compare real values", () => {
    const fn = resources.find((resource) => resource.type === TYPES.lambdaFunction);
    const connection = resources.find((resource) => resource.type === TYPES.auth0Connection);
    const env = (fn?.props.environment as { variables: Record<string, unknown> }).variables;
    const headers = (connection?.props.options as { customHeaders: { header: string; value: unknown }[] })
      .customHeaders;
    expect(typeof env.PROXY_SHARED_SECRET).toBe("string");
    // The function accepts both secret slots; the connection sends the active one (a by default).
    const accepted = String(env.PROXY_SHARED_SECRET).split(",");
    expect(accepted).toHaveLength(2);
    expect(headers).toEqual([{ header: "x-proxy-secret", value: accepted[0] }]);
    expect((connection?.props.options as { clientSecret: unknown }).clientSecret).toBe(
      REQUIRED_CONFIG["tiktok-auth0:tiktokClientSecret"],
    );
  });

  it.each(policies.filter(isResourcePolicy).map((policy) => [policy.name, policy] as const))(
    "passes %s on every resource",
    async (_name, policy) => {
      const violations: (Violation & { resource: string })[] = [];
      for (const resource of resources) {
        const parentTypes = resource.urn.split("::")[2].split("$").slice(0, -1);
        const args = resourceArgs(resource.type, resource.props, {
          name: resource.name,
          parentTypes,
          protect: resource.protect,
        });
        for (const violation of await resourceViolations(policy, args))
          violations.push({ ...violation, resource: resource.urn });
      }
      expect(violations).toEqual([]);
    },
  );

  it.each(policies.filter(isStackPolicy).map((policy) => [policy.name, policy] as const))(
    "passes %s on the whole stack",
    async (_name, policy) => {
      const stack: PolicyResource[] = resources.map((resource) => {
        const parentTypes = resource.urn.split("::")[2].split("$").slice(0, -1);
        return stackResource(resource.type, resource.props, {
          name: resource.name,
          parentTypes,
          protect: resource.protect,
        });
      });
      expect(await stackViolations(policy, stack)).toEqual([]);
    },
  );

  it("would fail the pack if the connection sent a shared secret the function does not accept", async () => {
    const [policy] = policies
      .filter(isStackPolicy)
      .filter((p) => p.name === "public-token-proxy-requires-shared-secret");
    const stack: PolicyResource[] = resources.map((resource) => {
      const parentTypes = resource.urn.split("::")[2].split("$").slice(0, -1);
      if (resource.type !== TYPES.auth0Connection)
        return stackResource(resource.type, resource.props, { name: resource.name, parentTypes });
      const options = resource.props.options as Record<string, unknown>;
      const props = {
        ...resource.props,
        options: { ...options, customHeaders: [{ header: "x-proxy-secret", value: "NotASlotOfThisStack0123" }] },
      };
      return stackResource(resource.type, props, { name: resource.name, parentTypes });
    });
    expect(await stackViolations(policy, stack)).toHaveLength(1);
  });

  it("would fail the pack if the connection lost its protect option", async () => {
    const connection = resources.find((resource) => resource.type === TYPES.auth0Connection);
    expect(connection?.protect).toBe(true);
    const [policy] = policies.filter(isResourcePolicy).filter((p) => p.name === "auth0-connection-is-protected");
    const args = resourceArgs(TYPES.auth0Connection, connection!.props, { name: connection!.name, protect: false });
    expect(await resourceViolations(policy, args)).toHaveLength(1);
  });

  it("would fail the pack if the token proxy's invoke permission lost its function URL condition", async () => {
    const permission = resources.find(
      (resource) => resource.type === TYPES.permission && resource.props.action === "lambda:InvokeFunction",
    );
    expect(permission).toBeDefined();
    const [policy] = policies
      .filter(isResourcePolicy)
      .filter((p) => p.name === "no-public-invoke-without-function-url-condition");
    const { invokedViaFunctionUrl: _dropped, ...withoutFlag } = permission!.props;
    const violations = await resourceViolations(policy, resourceArgs(TYPES.permission, withoutFlag));
    expect(violations).toHaveLength(1);
  });
});
