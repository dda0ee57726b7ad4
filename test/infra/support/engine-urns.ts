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

/** One old URN and what the new program does with it, as the engine's step generator decides. */
export interface AliasResolution {
  /** New URNs that reach no old resource: each one a create. */
  creates: string[];
  /** Old URNs no new resource reaches: each one a delete. */
  deletes: string[];
  /** New URN → the old URN it took over through an alias. */
  aliased: Map<string, string>;
}

/**
 * Matches the registered resources against the URNs of a deployed stack as the engine does
 * (pkg/resource/deploy/step_generator.go): a resource keeps the old resource of its own URN, or
 * takes over the first old URN among its aliases. An alias spec is completed with the resource's own
 * name, type and parent (the old parent, where the parent took one over); `noParent` means the
 * stack's root. A resource whose parent took over an old
 * resource through an alias also inherits aliases under that old parent (`inheritedChildAlias`: the
 * parent's name, where the child's name starts with it, swapped for the old parent's). Two resources
 * that take over one old URN fail, as the engine refuses them.
 */
export function resolveAliases(
  resources: readonly RecordedResource[],
  oldUrns: readonly string[],
  stack: string,
  project: string,
): AliasResolution {
  const urns = engineUrns(resources, stack, project);
  const old = new Set(oldUrns);
  const engineUrnOfMock = new Map<string, string>();
  resources.forEach((resource, index) =>
    engineUrnOfMock.set(mockUrn(stack, project, resource.parent, resource.type, resource.name), urns[index]),
  );
  const taken = new Map<string, string>();
  const aliased = new Map<string, string>();
  const creates: string[] = [];
  const claim = (oldUrn: string, newUrn: string) => {
    const other = taken.get(oldUrn);
    if (other !== undefined) {
      throw new Error(`Two resources ([${other}] and [${newUrn}]) aliased to the same: [${oldUrn}]`);
    }
    taken.set(oldUrn, newUrn);
  };

  resources.forEach((resource, index) => {
    const urn = urns[index];
    const parentUrn = resource.parent === "" ? "" : (engineUrnOfMock.get(resource.parent) ?? "");
    if (old.has(urn)) {
      claim(urn, urn);
      return;
    }
    const own = resource.options.aliases.map((alias) => {
      if (alias.urn !== "") return alias.urn;
      const named = alias.noParent
        ? ""
        : alias.parentUrn === ""
          ? parentUrn
          : (engineUrnOfMock.get(alias.parentUrn) ?? alias.parentUrn);
      // A parent that itself took over an old resource stands for that old one (collapseAliasToUrn).
      const aliasParent = aliased.get(named) ?? named;
      return urnOf(
        alias.stack || stack,
        alias.project || project,
        aliasParent === "" ? "" : qualifiedTypeOf(aliasParent),
        alias.type || resource.type,
        alias.name || resource.name,
      );
    });
    const candidates = [...own];
    const parentWas = parentUrn === "" ? undefined : aliased.get(parentUrn);
    if (parentWas !== undefined) {
      const parentName = nameOf(parentUrn);
      const inherit = (type: string, name: string) =>
        urnOf(
          stack,
          project,
          qualifiedTypeOf(parentWas),
          type,
          name.startsWith(parentName) ? nameOf(parentWas) + name.slice(parentName.length) : name,
        );
      candidates.push(inherit(resource.type, resource.name));
      for (const alias of own) candidates.push(inherit(typeOf(alias), nameOf(alias)));
    }
    const match = candidates.find((candidate) => old.has(candidate));
    if (match === undefined) {
      creates.push(urn);
      return;
    }
    claim(match, urn);
    aliased.set(urn, match);
  });
  const deletes = oldUrns.filter((urn) => !taken.has(urn));
  return { creates, deletes, aliased };
}

function urnOf(stack: string, project: string, parentQualifiedType: string, type: string, name: string): string {
  return `${prefix(stack, project)}${parentQualifiedType === "" ? type : `${parentQualifiedType}$${type}`}::${name}`;
}

/** `urn:pulumi:s::p::A$B::name` → `A$B`. */
function qualifiedTypeOf(urn: string): string {
  return urn.split("::")[2] ?? "";
}

/** `urn:pulumi:s::p::A$B::name` → `B`. */
function typeOf(urn: string): string {
  return qualifiedTypeOf(urn).split("$").pop() ?? "";
}

/** The name part, which may itself contain `::`. */
function nameOf(urn: string): string {
  return urn.split("::").slice(3).join("::");
}
