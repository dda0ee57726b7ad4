import type { RecordedResource } from "./pulumi-mocks";

/**
 * Resource URNs as the Pulumi engine builds them, from what the mocks recorded. The SDK's mock monitor
 * qualifies a child's type with its parent's *last* type only; the engine uses the parent's whole
 * type chain (`urn:pulumi:<stack>::<project>::<Parent>$<Child>$<Type>::<name>`, with the root stack
 * left out), so a test about deployed URNs must compute them itself.
 */

const prefix = (stack: string, project: string) => `urn:pulumi:${stack}::${project}::`;

/** The URN the mock monitor gives a resource (runtime/mocks.js, `newUrn`). */
function mockUrn(stack: string, project: string, parent: string, type: string, name: string): string {
  let qualified = type;
  if (parent !== "") {
    const parentQualified = parent.slice(prefix(stack, project).length).split("::")[0] ?? "";
    qualified = `${parentQualified.split("$").pop() ?? ""}$${type}`;
  }
  return `${prefix(stack, project)}${qualified}::${name}`;
}

/** The engine's URN of every recorded resource, in recording order. */
export function engineUrns(resources: readonly RecordedResource[], stack: string, project: string): string[] {
  const byMockUrn = new Map<string, RecordedResource>();
  for (const resource of resources) {
    const urn = mockUrn(stack, project, resource.parent, resource.type, resource.name);
    if (byMockUrn.has(urn))
      throw new Error(`two recorded resources share the mock URN ${urn}; cannot tell parents apart`);
    byMockUrn.set(urn, resource);
  }
  const qualifiedType = (resource: RecordedResource): string => {
    if (resource.parent === "") return resource.type;
    const parent = byMockUrn.get(resource.parent);
    if (parent === undefined)
      throw new Error(`${resource.type}::${resource.name} has an unrecorded parent ${resource.parent}`);
    return `${qualifiedType(parent)}$${resource.type}`;
  };
  return resources.map((resource) => `${prefix(stack, project)}${qualifiedType(resource)}::${resource.name}`);
}
