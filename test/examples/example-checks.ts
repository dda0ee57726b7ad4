import { execFileSync } from "node:child_process";
import yaml from "js-yaml";
import ts from "typescript";

/**
 * Checks that a caller program's use of TikTokLogin fits component/schema.json, the package's
 * contract, in the shape each language's generated SDK gives it. The examples cannot run here (their
 * SDKs exist only after a real `pulumi package add`), so this is what holds them to the schema: every
 * input named exists, every required one is set, every value has the declared type, and no plain
 * input is given an output.
 *
 * Naming rules are Pulumi's codegen's (pulumi/pulumi, pkg/codegen): Python names are `PyName`
 * (pkg/codegen/python/python.go) plus `InitParamName` (gen.go); enum members are `makeSafeEnumName`,
 * in pkg/codegen/python/utilities.go and pkg/codegen/nodejs/utilities.go. The SDK's own name comes
 * from the package's namespace, which the CLI infers from a git source's owner (`setSpecNamespace`,
 * pkg/cmd/pulumi/packages/packages.go): `@<owner>/<name>` for Node.js (`getNodeJSPkgName`,
 * sdk/nodejs/cmd/pulumi-language-nodejs/main.go), `<owner>_<name>` with `-` as `_` for Python
 * (`PyPack`, pkg/codegen/python/gen.go), in `sdks/<owner>-<name>` (`InstallPackage`).
 */

// ---------------------------------------------------------------------------------------------
// The schema

export interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
  plain?: boolean;
  optional?: boolean;
}
export interface EnumSpec {
  type: string;
  enum: { name?: string; value: string | number }[];
}
export interface PackageSchema {
  name: string;
  resources: Record<
    string,
    {
      inputProperties: Record<string, PropertySpec>;
      requiredInputs?: string[];
      properties: Record<string, PropertySpec>;
    }
  >;
  types: Record<string, EnumSpec>;
}

export const TIKTOK_LOGIN = "tiktok-auth0:index:TikTokLogin";

/** How a language spells the schema's names. */
export interface Naming {
  language: string;
  input(schemaName: string): string;
  enumMember(memberName: string, enumName: string): string;
}

// ---------------------------------------------------------------------------------------------
// Pulumi's codegen naming, ported

const PYTHON_KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except exec finally for " +
    "from global if import in is lambda nonlocal not or pass print raise return try while with yield"
  ).split(" "),
);
const isUpper = (c: string) => c !== c.toLowerCase() && c === c.toUpperCase();
const isDigit = (c: string) => c >= "0" && c <= "9";
const isIdentStart = (c: string) => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_]/.test(c);

/** `pyName(name, legacy=false)` of pkg/codegen/python/python.go: camelCase to snake_case. */
export function pyName(name: string): string {
  type State = "first" | "upper" | "acronym" | "lowerOrNumber";
  const result: string[] = [];
  let current = "";
  let state: State = "first";
  for (let char of name) {
    if (!isIdentPart(char)) char = "_";
    switch (state) {
      case "first":
        if (!isIdentStart(char)) current += "_";
        if (isUpper(char)) {
          state = "upper";
          current += char.toLowerCase();
        } else {
          state = "lowerOrNumber";
          current += char;
        }
        break;
      case "upper":
        state = isUpper(char) ? "acronym" : "lowerOrNumber";
        current += char.toLowerCase();
        break;
      case "acronym":
        if (isUpper(char)) {
          current += char.toLowerCase();
        } else if (isDigit(char) || char === "s") {
          state = "lowerOrNumber";
          current += char;
        } else {
          result.push(current.slice(0, -1));
          current = current.slice(-1) + char;
          state = "lowerOrNumber";
        }
        break;
      case "lowerOrNumber":
        if (isUpper(char)) {
          result.push(current);
          current = char.toLowerCase();
          state = "upper";
        } else {
          current += char;
        }
        break;
    }
  }
  if (current !== "") result.push(current);
  const joined = result.join("_");
  return PYTHON_KEYWORDS.has(joined) ? `${joined}_` : joined;
}

/** `codegen.ExpandShortEnumName` (pkg/codegen/utilities.go). */
const SHORT_ENUM_NAMES: Record<string, string> = {
  "*": "Asterisk",
  ...Object.fromEntries(
    ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"].map((word, i) => [
      String(i),
      word,
    ]),
  ),
};
const validIdentifier = (name: string) =>
  [...name].map((c, i) => (isIdentPart(c) ? (i === 0 && !isIdentStart(c) ? `_${c}` : c) : "_")).join("");

export const PYTHON: Naming = {
  language: "Python",
  /** `InitParamName`: PyName, with the two names `__init__` already takes suffixed. */
  input: (name) => {
    const result = pyName(name);
    return result === "resource_name" || result === "opts" ? `${result}_` : result;
  },
  /** Python's `makeSafeEnumName`: PyName, upper-cased, a valid identifier, runs of `_` as one. */
  enumMember: (name, enumName) => {
    let safe = validIdentifier(pyName(SHORT_ENUM_NAMES[name] ?? name).toUpperCase());
    if (safe.startsWith("_")) safe = pyName(enumName).toUpperCase() + safe;
    return safe.replace(/_+/g, "_");
  },
};

export const NODEJS: Naming = {
  language: "TypeScript",
  input: (name) => name,
  /** Node.js's `makeSafeEnumName`: first letter upper-cased, a valid identifier, runs of `_` as one. */
  enumMember: (name, enumName) => {
    const expanded = SHORT_ENUM_NAMES[name] ?? name;
    const safe = validIdentifier(expanded.charAt(0).toUpperCase() + expanded.slice(1)).replace(/_+/g, "_");
    return safe.startsWith("_") ? enumName + safe : safe;
  },
};

export const YAML_NAMING: Naming = { language: "YAML", input: (name) => name, enumMember: (name) => name };

/** The SDK names `pulumi package add <source>` gives a package from a git source. */
export function sdkNames(
  source: string,
  packageName: string,
): { namespace: string; npm: string; python: string; dir: string } {
  // setSpecNamespace: the first path segment after the host of git://host/owner/..., lower-cased.
  const owner = /^(?:(?:git|https):\/\/)?[^/]+\/([^/]+)\//.exec(source)?.[1];
  if (owner === undefined) throw new Error(`${source} is not a git source with an owner`);
  const namespace = owner.toLowerCase();
  return {
    namespace,
    npm: `@${namespace}/${packageName}`,
    python: `${namespace.replace(/-/g, "_")}_${packageName.replace(/-/g, "_")}`,
    dir: `sdks/${namespace}-${packageName}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Values, as far as a reader of the program can tell without running it

export type ValueType = "string" | "number" | "boolean" | "array" | "any";
export type Value =
  | { kind: "literal"; value: string | number | boolean }
  | { kind: "array"; items: Value[] }
  /** An enum member named in the program: `tiktok.TikTokScope.USER_INFO_BASIC`. */
  | { kind: "enumMember"; enumName: string; member: string; text: string }
  /** A value of a known type but unknown content: configuration, a secret, an invoke. */
  | { kind: "typed"; type: ValueType; items?: ValueType; plain: boolean; text: string }
  /** Another resource's output: any type, never plain. */
  | { kind: "output"; text: string }
  /** Something this reader cannot judge: reported, so the examples stay checkable. */
  | { kind: "unknown"; text: string };

function describe(value: Value): string {
  switch (value.kind) {
    case "literal":
      return JSON.stringify(value.value);
    case "array":
      return `[${value.items.map(describe).join(", ")}]`;
    default:
      return value.text;
  }
}

/** "a string", "a list", "an enum member". */
const a = (type: string) => (type === "array" ? "a list" : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function typeProblems(
  schema: PackageSchema,
  naming: Naming,
  where: string,
  spec: PropertySpec,
  value: Value,
): string[] {
  const shown = describe(value);
  if (value.kind === "unknown") return [`${where}: cannot tell the type of ${shown}`];
  if (spec.plain && (value.kind === "output" || (value.kind === "typed" && !value.plain))) {
    return [`${where} is plain, but ${shown} is an output (a secret or another resource's value)`];
  }
  if (value.kind === "output") return [];
  if (value.kind === "typed" && value.type === "any") return [];

  if (spec.$ref !== undefined) {
    const token = spec.$ref.replace(/^#\/types\//, "");
    const enumSpec = schema.types[token];
    if (enumSpec === undefined) return [`${where}: the schema's ${spec.$ref} is not in its types`];
    const enumName = token.split(":").pop() ?? token;
    const values = enumSpec.enum.map((member) => member.value);
    switch (value.kind) {
      case "literal":
        return values.includes(value.value as string)
          ? []
          : [`${where}: ${shown} is not one of ${enumName}'s values (${values.join(", ")})`];
      case "enumMember": {
        const members = enumSpec.enum.map((member) => naming.enumMember(member.name ?? String(member.value), enumName));
        if (value.enumName !== enumName) return [`${where}: ${shown} is not a member of ${enumName}`];
        return members.includes(value.member)
          ? []
          : [`${where}: ${enumName} has no member ${value.member} in ${naming.language} (${members.join(", ")})`];
      }
      case "typed":
        return value.type === enumSpec.type ? [] : [`${where}: ${shown} is ${a(value.type)}, not ${a(enumName)}`];
      default:
        return [`${where}: ${shown} is not ${a(enumName)}`];
    }
  }

  const type = spec.type ?? "";
  if (type === "array") {
    const items = spec.items ?? {};
    if (value.kind === "array") {
      return value.items.flatMap((item, index) => typeProblems(schema, naming, `${where}[${index}]`, items, item));
    }
    if (value.kind === "typed" && value.type === "array") {
      const itemType =
        items.$ref !== undefined ? schema.types[items.$ref.replace(/^#\/types\//, "")]?.type : items.type;
      return value.items === undefined || value.items === "any" || value.items === itemType
        ? []
        : [`${where}: ${shown} is a list of ${value.items}, not of ${itemType}`];
    }
    return [`${where}: ${shown} is not a list`];
  }
  const actual =
    value.kind === "literal"
      ? typeof value.value
      : value.kind === "typed"
        ? value.type
        : value.kind === "array"
          ? "array"
          : "enum member";
  const expected = type === "integer" ? "number" : type;
  return actual === expected ? [] : [`${where}: ${shown} is ${a(actual)}, not ${a(type)}`];
}

/** Every way `props` (named as `naming` spells them) does not fit `resourceToken`'s inputs. */
export function checkInputs(
  schema: PackageSchema,
  naming: Naming,
  props: ReadonlyMap<string, Value>,
  resourceToken = TIKTOK_LOGIN,
): string[] {
  const resource = schema.resources[resourceToken];
  if (resource === undefined) return [`the schema has no resource ${resourceToken}`];
  const bySpelling = new Map(Object.keys(resource.inputProperties).map((name) => [naming.input(name), name]));
  const problems: string[] = [];
  for (const [spelled, value] of props) {
    const name = bySpelling.get(spelled);
    if (name === undefined) {
      problems.push(`${spelled} is not an input of ${resourceToken} in ${naming.language}`);
      continue;
    }
    problems.push(...typeProblems(schema, naming, spelled, resource.inputProperties[name] ?? {}, value));
  }
  for (const required of resource.requiredInputs ?? []) {
    if (!props.has(naming.input(required))) problems.push(`the required input ${naming.input(required)} is missing`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// YAML: a Pulumi YAML program (Pulumi.yaml)

interface YamlProgram {
  packages?: Record<string, unknown>;
  config?: Record<string, unknown>;
  variables?: Record<string, unknown>;
  resources?: Record<
    string,
    { type?: string; properties?: Record<string, unknown>; options?: Record<string, unknown> }
  >;
  outputs?: Record<string, unknown>;
}

export function parseYamlProgram(text: string): YamlProgram {
  return yaml.load(text) as YamlProgram;
}

/** A project config declaration's type (the `config:` block of Pulumi.yaml: sdk/go/common/workspace/project.json). */
function configValue(key: string, declaration: unknown): Value {
  if (declaration === null || typeof declaration !== "object") {
    // `key: value`, a default: its own type.
    return yamlValue({ config: {} }, declaration);
  }
  const d = declaration as { type?: string; items?: { type?: string }; secret?: boolean; default?: unknown };
  const types: Record<string, ValueType> = { string: "string", integer: "number", boolean: "boolean", array: "array" };
  const type = d.type !== undefined ? types[d.type] : undefined;
  if (type === undefined) return { kind: "unknown", text: `config ${key} of type ${String(d.type)}` };
  const items = type === "array" ? (types[d.items?.type ?? ""] ?? "any") : undefined;
  return { kind: "typed", type, items, plain: d.secret !== true, text: `\${${key}}` };
}

/** What `${name...}` refers to: a config value, a variable, or a resource's output. */
function yamlReference(program: YamlProgram, expression: string, seen: Set<string>): Value {
  const root = /^[^.[]+/.exec(expression)?.[0] ?? expression;
  const text = `\${${expression}}`;
  if (program.resources?.[root] !== undefined) return { kind: "output", text };
  if (program.config !== undefined && root in program.config && root === expression) {
    return configValue(root, program.config[root]);
  }
  if (program.variables !== undefined && root in program.variables && root === expression && !seen.has(root)) {
    return yamlValue(program, program.variables[root], new Set([...seen, root]));
  }
  return { kind: "unknown", text: `${text}, which names nothing in this file` };
}

/** A Pulumi YAML expression's value: literals, `${...}` interpolations, `fn::secret`, `fn::invoke`. */
export function yamlValue(program: YamlProgram, node: unknown, seen = new Set<string>()): Value {
  if (typeof node === "string") {
    const whole = /^\$\{([^}]+)\}$/.exec(node);
    if (whole?.[1] !== undefined) return yamlReference(program, whole[1].trim(), seen);
    const parts = [...node.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1] ?? "");
    if (parts.length === 0) return { kind: "literal", value: node.replace(/\$\$/g, "$") };
    // An interpolation is a string; it is plain only if every part is.
    const referenced = parts.map((part) => yamlReference(program, part.trim(), seen));
    const unknown = referenced.find((value) => value.kind === "unknown");
    if (unknown !== undefined) return unknown;
    const plain = referenced.every((value) => value.kind === "literal" || (value.kind === "typed" && value.plain));
    return { kind: "typed", type: "string", plain, text: node };
  }
  if (typeof node === "number" || typeof node === "boolean") return { kind: "literal", value: node };
  if (Array.isArray(node)) return { kind: "array", items: node.map((item) => yamlValue(program, item, seen)) };
  if (node !== null && typeof node === "object") {
    const entries = Object.entries(node);
    const [key, inner] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined) {
      const fn = key.toLowerCase();
      if (fn === "fn::secret") {
        const value = yamlValue(program, inner, seen);
        if (value.kind === "literal")
          return { kind: "typed", type: typeof value.value as ValueType, plain: false, text: key };
        if (value.kind === "typed") return { ...value, plain: false };
        return value.kind === "unknown" ? value : { kind: "output", text: key };
      }
      // An invoke's result is resolved by the engine: its type is the function's, not this file's to tell.
      if (fn === "fn::invoke") return { kind: "typed", type: "any", plain: false, text: key };
    }
    return { kind: "unknown", text: JSON.stringify(node) };
  }
  return { kind: "unknown", text: String(node) };
}

/** Every problem with the program's TikTokLogin resources, their options and the outputs that read them. */
export function checkYamlProgram(schema: PackageSchema, program: YamlProgram): string[] {
  const resources = program.resources ?? {};
  const logins = Object.entries(resources).filter(([, resource]) => resource.type === TIKTOK_LOGIN);
  if (logins.length === 0) return [`no resource of type ${TIKTOK_LOGIN}`];
  const problems: string[] = [];
  for (const [name, resource] of logins) {
    const props = new Map(
      Object.entries(resource.properties ?? {}).map(([key, node]) => [key, yamlValue(program, node)]),
    );
    problems.push(...checkInputs(schema, YAML_NAMING, props).map((problem) => `${name}: ${problem}`));
    // Pulumi YAML's `providers` option is a list of provider resources (pulumi-yaml, pkg/pulumiyaml/run.go).
    const providers = resource.options?.providers;
    if (providers !== undefined) {
      if (!Array.isArray(providers)) {
        problems.push(`${name}: options.providers must be a list of provider resources`);
      } else {
        for (const provider of providers) {
          const target = typeof provider === "string" ? /^\$\{([^.}]+)\}$/.exec(provider)?.[1] : undefined;
          const type = target === undefined ? undefined : resources[target]?.type;
          if (type === undefined || !type.startsWith("pulumi:providers:")) {
            problems.push(
              `${name}: options.providers entry ${String(provider)} is not a provider declared in this file`,
            );
          }
        }
      }
    }
  }
  const properties = new Set(Object.keys(schema.resources[TIKTOK_LOGIN]?.properties ?? {}));
  const loginNames = new Set(logins.map(([name]) => name));
  const walk = (node: unknown, where: string): void => {
    if (typeof node === "string") {
      for (const match of node.matchAll(/\$\{([^}.[]+)(?:\.([^}.[]+))?[^}]*\}/g)) {
        const [, root = "", property] = match;
        if (!loginNames.has(root)) continue;
        if (property === undefined || !properties.has(property)) {
          problems.push(`${where}: ${match[0]} is not an output of ${TIKTOK_LOGIN}`);
        }
      }
    } else if (Array.isArray(node)) {
      node.forEach((item) => walk(item, where));
    } else if (node !== null && typeof node === "object") {
      Object.values(node).forEach((item) => walk(item, where));
    }
  };
  for (const [key, node] of Object.entries(program.outputs ?? {})) walk(node, `outputs.${key}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Python: read with Python's own parser (the `ast` module), the semantics judged here

/**
 * Turns a Python program into JSON: its imports, its top-level assignments and every call of
 * `TikTokLogin`, each expression as a small tree. Python's own `ast` reads the source, so any Python
 * it accepts is read right; the JSON tree keeps only what the checks need.
 */
const PYTHON_READER = String.raw`
import ast, json, sys

def expr(node):
    if isinstance(node, ast.Constant):
        kind = type(node.value).__name__
        return {"kind": "const", "type": kind, "value": node.value if kind in ("str", "int", "float", "bool") else None}
    if isinstance(node, (ast.List, ast.Tuple)):
        return {"kind": "list", "items": [expr(item) for item in node.elts]}
    if isinstance(node, ast.Dict):
        return {"kind": "dict", "keys": [None if k is None else expr(k) for k in node.keys], "values": [expr(v) for v in node.values]}
    if isinstance(node, (ast.Name, ast.Attribute)):
        path = []
        while isinstance(node, ast.Attribute):
            path.insert(0, node.attr)
            node = node.value
        if isinstance(node, ast.Name):
            return {"kind": "name", "path": [node.id] + path}
        return {"kind": "other", "text": ast.unparse(node)}
    if isinstance(node, ast.Call):
        return {"kind": "call", "func": expr(node.func), "args": [expr(a) for a in node.args],
                "kwargs": [{"name": k.arg, "value": expr(k.value)} for k in node.keywords]}
    return {"kind": "other", "text": ast.unparse(node)}

tree = ast.parse(sys.stdin.read())
imports, assignments, calls = [], {}, []
for node in tree.body:
    if isinstance(node, ast.Import):
        imports += [{"module": a.name, "alias": a.asname or a.name} for a in node.names]
    elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        assignments[node.targets[0].id] = expr(node.value)
for node in ast.walk(tree):
    if isinstance(node, ast.Call):
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
        if name == "TikTokLogin":
            call = expr(node)
            call["line"] = node.lineno
            calls.append(call)
json.dump({"imports": imports, "assignments": assignments, "calls": calls}, sys.stdout)
`;

export type PyExpr =
  | { kind: "const"; type: string; value: string | number | boolean | null }
  | { kind: "list"; items: PyExpr[] }
  | { kind: "dict"; keys: (PyExpr | null)[]; values: PyExpr[] }
  | { kind: "name"; path: string[] }
  | { kind: "call"; func: PyExpr; args: PyExpr[]; kwargs: { name: string | null; value: PyExpr }[]; line?: number }
  | { kind: "other"; text: string };
export interface PythonProgram {
  imports: { module: string; alias: string }[];
  assignments: Record<string, PyExpr>;
  calls: Extract<PyExpr, { kind: "call" }>[];
}

/**
 * The interpreter behind `python3` on PATH (3.9 or later, for ast.unparse), or undefined. Its own
 * path, so each later run skips version-manager shims.
 */
export function python3(): string | undefined {
  try {
    const script = "import ast, sys; assert hasattr(ast, 'unparse'); print(sys.executable)";
    return execFileSync("python3", ["-c", script], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

export function readPythonProgram(source: string, python = "python3"): PythonProgram {
  const json = execFileSync(python, ["-c", PYTHON_READER], { input: source, encoding: "utf8" });
  return JSON.parse(json) as PythonProgram;
}

function pyText(node: PyExpr): string {
  switch (node.kind) {
    case "const":
      return JSON.stringify(node.value);
    case "list":
      return `[${node.items.map(pyText).join(", ")}]`;
    case "name":
      return node.path.join(".");
    case "call":
      return `${pyText(node.func)}(...)`;
    case "dict":
      return "{...}";
    default:
      return node.text;
  }
}

const isCall = (node: PyExpr | undefined, dotted: string): boolean =>
  node?.kind === "call" && node.func.kind === "name" && node.func.path.join(".") === dotted;

/** Config reads: what each returns (sdk/python/lib/pulumi/config.py). */
const PY_CONFIG_READS: Record<string, { type: ValueType; plain: boolean }> = {
  get: { type: "string", plain: true },
  require: { type: "string", plain: true },
  get_int: { type: "number", plain: true },
  require_int: { type: "number", plain: true },
  get_float: { type: "number", plain: true },
  require_float: { type: "number", plain: true },
  get_bool: { type: "boolean", plain: true },
  require_bool: { type: "boolean", plain: true },
  get_object: { type: "any", plain: true },
  require_object: { type: "any", plain: true },
  get_secret: { type: "string", plain: false },
  require_secret: { type: "string", plain: false },
  get_secret_int: { type: "number", plain: false },
  require_secret_int: { type: "number", plain: false },
  get_secret_bool: { type: "boolean", plain: false },
  require_secret_bool: { type: "boolean", plain: false },
  get_secret_object: { type: "any", plain: false },
  require_secret_object: { type: "any", plain: false },
};

export function pythonValue(program: PythonProgram, sdkAlias: string, node: PyExpr): Value {
  const text = pyText(node);
  switch (node.kind) {
    case "const":
      return node.type === "str" || node.type === "int" || node.type === "float" || node.type === "bool"
        ? { kind: "literal", value: node.value as string | number | boolean }
        : { kind: "unknown", text };
    case "list":
      return { kind: "array", items: node.items.map((item) => pythonValue(program, sdkAlias, item)) };
    case "name": {
      const [root = "", ...rest] = node.path;
      if (root === sdkAlias && rest.length === 2) {
        return { kind: "enumMember", enumName: rest[0] ?? "", member: rest[1] ?? "", text };
      }
      // An attribute of a resource declared in this file is that resource's output.
      const assigned = program.assignments[root];
      if (rest.length > 0 && assigned?.kind === "call" && assigned.func.kind === "name") {
        const className = assigned.func.path[assigned.func.path.length - 1] ?? "";
        if (/^[A-Z]/.test(className) && className !== "Config") return { kind: "output", text };
      }
      return { kind: "unknown", text };
    }
    case "call": {
      if (node.func.kind === "name" && node.func.path.length === 2) {
        const [receiver = "", method = ""] = node.func.path;
        const read = PY_CONFIG_READS[method];
        if (read !== undefined && isCall(program.assignments[receiver], "pulumi.Config")) {
          return { kind: "typed", ...read, text };
        }
      }
      return { kind: "unknown", text };
    }
    default:
      return { kind: "unknown", text };
  }
}

/** Every problem with the program's `TikTokLogin(...)` calls, read by Python's own parser. */
export function checkPythonProgram(schema: PackageSchema, program: PythonProgram, sdkModule: string): string[] {
  const sdkImport = program.imports.find((imported) => imported.module === sdkModule);
  if (sdkImport === undefined) return [`the program does not import ${sdkModule}, the generated SDK`];
  if (program.calls.length === 0) return ["the program calls no TikTokLogin"];
  const problems: string[] = [];
  for (const call of program.calls) {
    const at = `line ${call.line ?? "?"}`;
    if (call.func.kind !== "name" || call.func.path.join(".") !== `${sdkImport.alias}.TikTokLogin`) {
      problems.push(`${at}: ${pyText(call.func)} is not ${sdkImport.alias}.TikTokLogin`);
    }
    if (call.args.length !== 1 || call.args[0]?.kind !== "const" || call.args[0].type !== "str") {
      problems.push(`${at}: TikTokLogin takes one positional argument, its name, as a string`);
    }
    const props = new Map<string, Value>();
    for (const { name, value } of call.kwargs) {
      if (name === null) {
        problems.push(`${at}: **${pyText(value)} cannot be checked; name each input`);
      } else if (name !== "opts") {
        props.set(name, pythonValue(program, sdkImport.alias, value));
      } else if (!isCall(value, "pulumi.ResourceOptions")) {
        problems.push(`${at}: opts is ${pyText(value)}, not pulumi.ResourceOptions(...)`);
      }
    }
    problems.push(...checkInputs(schema, PYTHON, props).map((problem) => `${at}: ${problem}`));
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// TypeScript: read with the TypeScript compiler's parser

interface TsProgram {
  sourceFile: ts.SourceFile;
  /** Module specifier of each namespace import (`import * as alias from "spec"`). */
  namespaceImports: Map<string, string>;
  /** Initializer of each top-level `const`. */
  constants: Map<string, ts.Expression>;
}

export function readTypeScriptProgram(source: string): TsProgram {
  const sourceFile = ts.createSourceFile("index.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const namespaceImports = new Map<string, string>();
  const constants = new Map<string, ts.Expression>();
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const bindings = statement.importClause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) {
        namespaceImports.set(bindings.name.text, statement.moduleSpecifier.text);
      }
    }
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.initializer !== undefined) {
          constants.set(declaration.name.text, declaration.initializer);
        }
      }
    }
  }
  return { sourceFile, namespaceImports, constants };
}

const dotted = (node: ts.Expression): string | undefined =>
  ts.isIdentifier(node)
    ? node.text
    : ts.isPropertyAccessExpression(node)
      ? ((left) => (left === undefined ? undefined : `${left}.${node.name.text}`))(dotted(node.expression))
      : undefined;

/** Config reads: what each returns (sdk/nodejs/config.ts). */
const TS_CONFIG_READS: Record<string, { type: ValueType; plain: boolean }> = {
  get: { type: "string", plain: true },
  require: { type: "string", plain: true },
  getNumber: { type: "number", plain: true },
  requireNumber: { type: "number", plain: true },
  getBoolean: { type: "boolean", plain: true },
  requireBoolean: { type: "boolean", plain: true },
  getObject: { type: "any", plain: true },
  requireObject: { type: "any", plain: true },
  getSecret: { type: "string", plain: false },
  requireSecret: { type: "string", plain: false },
  getSecretNumber: { type: "number", plain: false },
  requireSecretNumber: { type: "number", plain: false },
  getSecretBoolean: { type: "boolean", plain: false },
  requireSecretBoolean: { type: "boolean", plain: false },
  getSecretObject: { type: "any", plain: false },
  requireSecretObject: { type: "any", plain: false },
};

/** `new <alias>.<Class>(...)`'s dotted class name, or undefined. */
const newOf = (node: ts.Expression | undefined): string | undefined =>
  node !== undefined && ts.isNewExpression(node) ? dotted(node.expression) : undefined;

export function typeScriptValue(program: TsProgram, sdkAlias: string, node: ts.Expression): Value {
  const text = node.getText(program.sourceFile);
  if (ts.isAsExpression(node) || ts.isParenthesizedExpression(node))
    return typeScriptValue(program, sdkAlias, node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return { kind: "literal", value: node.text };
  if (ts.isNumericLiteral(node)) return { kind: "literal", value: Number(node.text) };
  if (
    ts.isPrefixUnaryExpression(node) &&
    node.operator === ts.SyntaxKind.MinusToken &&
    ts.isNumericLiteral(node.operand)
  ) {
    return { kind: "literal", value: -Number(node.operand.text) };
  }
  if (node.kind === ts.SyntaxKind.TrueKeyword) return { kind: "literal", value: true };
  if (node.kind === ts.SyntaxKind.FalseKeyword) return { kind: "literal", value: false };
  if (ts.isArrayLiteralExpression(node)) {
    return { kind: "array", items: node.elements.map((element) => typeScriptValue(program, sdkAlias, element)) };
  }
  const path = dotted(node)?.split(".");
  if (path !== undefined) {
    const [root = "", ...rest] = path;
    if (root === sdkAlias && rest.length === 2)
      return { kind: "enumMember", enumName: rest[0] ?? "", member: rest[1] ?? "", text };
    const made = newOf(program.constants.get(root));
    if (rest.length > 0 && made !== undefined && !made.endsWith(".Config")) return { kind: "output", text };
    return { kind: "unknown", text };
  }
  if (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    ts.isIdentifier(node.expression.expression)
  ) {
    const read = TS_CONFIG_READS[node.expression.name.text];
    if (read !== undefined && newOf(program.constants.get(node.expression.expression.text))?.endsWith(".Config")) {
      return { kind: "typed", ...read, text };
    }
  }
  return { kind: "unknown", text };
}

/** Every problem with the program's `new <sdk>.TikTokLogin(...)` expressions. */
export function checkTypeScriptProgram(schema: PackageSchema, program: TsProgram, sdkPackage: string): string[] {
  const sdkAlias = [...program.namespaceImports].find(([, specifier]) => specifier === sdkPackage)?.[0];
  if (sdkAlias === undefined) return [`the program does not import * as ... from "${sdkPackage}", the generated SDK`];
  const problems: string[] = [];
  let calls = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && dotted(node.expression)?.endsWith("TikTokLogin")) {
      calls += 1;
      const at = `line ${program.sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      if (dotted(node.expression) !== `${sdkAlias}.TikTokLogin`)
        problems.push(`${at}: ${dotted(node.expression)} is not ${sdkAlias}.TikTokLogin`);
      const [name, args] = node.arguments ?? [];
      if (name === undefined || !ts.isStringLiteral(name))
        problems.push(`${at}: TikTokLogin's first argument, its name, is not a string`);
      if (args === undefined || !ts.isObjectLiteralExpression(args)) {
        problems.push(`${at}: TikTokLogin's inputs are not an object literal`);
        return;
      }
      const props = new Map<string, Value>();
      for (const property of args.properties) {
        if (
          ts.isPropertyAssignment(property) &&
          (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
        ) {
          props.set(property.name.text, typeScriptValue(program, sdkAlias, property.initializer));
        } else {
          problems.push(`${at}: ${property.getText(program.sourceFile)} cannot be checked; write name: value`);
        }
      }
      problems.push(...checkInputs(schema, NODEJS, props).map((problem) => `${at}: ${problem}`));
    }
    ts.forEachChild(node, visit);
  };
  visit(program.sourceFile);
  return calls === 0 ? ["the program creates no TikTokLogin"] : problems;
}
