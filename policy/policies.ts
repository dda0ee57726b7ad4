/**
 * The CrossGuard policies of this repository, as plain objects. This module never calls
 * `new PolicyPack` (policy/index.ts does), so tests can call each `validateResource` and
 * `validateStack` with hand-made arguments and a recording `reportViolation`.
 *
 * Policies read resource *type tokens* and *input property names*, never the provider SDKs: the
 * pack stays fast to start and has no runtime dependency beyond Node itself (only types are
 * imported from @pulumi/policy).
 *
 * What a policy sees (from @pulumi/policy 1.21.0's analyzer server):
 * - `validateResource` gets a resource's inputs, `validateStack` every resource's outputs.
 * - Secret values arrive as plain values, with nothing marking them secret (pulumi/pulumi-policy#241).
 * - During `pulumi preview`, a value that depends on a resource not yet created is unknown. Reading it
 *   through `args.props` throws, and the SDK then reports "can't run policy ... during preview" as an
 *   advisory and runs the policy for real during `pulumi up`. The stack policies below read unknowns
 *   with {@link peek} instead and decide with what is known.
 */
import type {
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

/** The Pulumi type tokens the policies look at. */
export const TYPES = {
  lambdaFunction: "aws:lambda/function:Function",
  functionUrl: "aws:lambda/functionUrl:FunctionUrl",
  permission: "aws:lambda/permission:Permission",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  iamPolicy: "aws:iam/policy:Policy",
  iamRole: "aws:iam/role:Role",
  iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
  iamUserPolicy: "aws:iam/userPolicy:UserPolicy",
  iamGroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  iamUserPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  iamGroupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  iamPolicyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  iamRolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  auth0Connection: "auth0:index/connection:Connection",
} as const;

/** The component (component/token-proxy.ts) whose children may be public. Part of every child's URN. */
export const TOKEN_PROXY_COMPONENT_TYPE = "tiktok-auth0:index:TokenProxy";
/** The header Auth0 sends and the proxy checks (proxy/token-proxy.ts, SHARED_SECRET_HEADER). */
export const SHARED_SECRET_HEADER = "x-proxy-secret";
/**
 * The proxy's environment variable holding the accepted header values, comma-separated: both
 * shared-secret slots, so Auth0 may send either while a rotation is under way (proxy/config.ts).
 */
export const SHARED_SECRET_ENV = "PROXY_SHARED_SECRET";
export const ALLOWED_LAMBDA_RUNTIMES = ["nodejs22.x", "nodejs24.x"] as const;

/** TikTok's Login Kit v1 endpoints, dead for web apps since 2024-02-29. */
export const TIKTOK_V1_ENDPOINTS: readonly { name: string; pattern: RegExp }[] = [
  // Matches www.tiktok.com/auth/authorize and tiktok.com/auth/authorize, not .../v2/auth/authorize/.
  { name: "www.tiktok.com/auth/authorize (v1 authorize)", pattern: /\btiktok\.com\/auth\/authorize/i },
  { name: "open-api.tiktok.com (v1 token, user info and revoke)", pattern: /\bopen-api\.tiktok\.com\b/i },
];

/** AWS managed policies that grant far more than this stack ever needs. */
const BROAD_MANAGED_POLICY = /(AdministratorAccess|PowerUserAccess|FullAccess)\b/i;

// ---------------------------------------------------------------------------------------------
// Reading props without tripping over preview-time unknowns
// ---------------------------------------------------------------------------------------------

/**
 * The engine's wire-protocol sentinels for values unknown during preview (the same UUIDs the Pulumi
 * engine and every SDK use; @pulumi/policy keeps its copies internal).
 */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** Stands for "not known until the update runs". */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

export function isUnknownSentinel(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/**
 * Reads `obj[key]` without triggering @pulumi/policy's unknown-checking proxy: the proxy traps only
 * `get`, so the property descriptor comes from the real object. Unknown values come back as
 * {@link UNKNOWN}; everything else is the raw (unproxied) value.
 */
export function peek(obj: unknown, key: string | number): unknown {
  if (obj === null || typeof obj !== "object") return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(obj, key);
  const value: unknown = descriptor?.value;
  return isUnknownSentinel(value) ? UNKNOWN : value;
}

/** Follows a path of keys with {@link peek}; stops at the first missing or unknown step. */
export function peekPath(obj: unknown, ...path: (string | number)[]): unknown {
  let current: unknown = obj;
  for (const key of path) {
    if (current === UNKNOWN) return UNKNOWN;
    current = peek(current, key);
  }
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export interface StringLeaf {
  /** Dotted path from the props root, e.g. `options.scripts.fetchUserProfile`. */
  path: string;
  value: string;
}

/**
 * Every known string in `value`, at any depth, with its path. Unknowns are skipped, and so are
 * class instances (assets and archives): the Lambda bundle's content is not scanned here.
 */
export function stringLeaves(value: unknown, path = ""): StringLeaf[] {
  const leaves: StringLeaf[] = [];
  const seen = new WeakSet<object>();
  const walk = (node: unknown, at: string, depth: number): void => {
    if (typeof node === "string") {
      if (!isUnknownSentinel(node)) leaves.push({ path: at, value: node });
      return;
    }
    if (node === null || typeof node !== "object" || depth > 64 || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) walk(peek(node, i), `${at}[${i}]`, depth + 1);
    } else if (isPlainObject(node)) {
      for (const key of Object.keys(node)) walk(peek(node, key), at === "" ? key : `${at}.${key}`, depth + 1);
    }
  };
  walk(value, path, 0);
  return leaves;
}

/** The forms a URL takes inside other strings: as is, JSON-escaped (`\/`), or URL-encoded. */
function normalizedForms(text: string): string[] {
  const forms = [text, text.replace(/\\\//g, "/")];
  if (/%[0-9a-f]{2}/i.test(text)) {
    try {
      forms.push(decodeURIComponent(text));
    } catch {
      // Not valid percent-encoding: the raw forms are still checked.
    }
  }
  return forms;
}

/** The TikTok v1 endpoints named in `text`, in any of its {@link normalizedForms}. */
export function tiktokV1EndpointsIn(text: string): string[] {
  const forms = normalizedForms(text);
  return TIKTOK_V1_ENDPOINTS.filter(({ pattern }) => forms.some((form) => pattern.test(form))).map(({ name }) => name);
}

// ---------------------------------------------------------------------------------------------
// URNs and small helpers
// ---------------------------------------------------------------------------------------------

/**
 * The resource types in a URN's qualified type, outermost parent first:
 * `urn:pulumi:dev::proj::tiktok-auth0:index:TokenProxy$aws:lambda/functionUrl:FunctionUrl::name`
 * gives `["tiktok-auth0:index:TokenProxy", "aws:lambda/functionUrl:FunctionUrl"]`.
 */
export function urnTypeChain(urn: string): string[] {
  const qualifiedType = urn.split("::")[2];
  return qualifiedType === undefined || qualifiedType === "" ? [] : qualifiedType.split("$");
}

/** True when the resource is a child (at any depth) of the token proxy component. */
export function isInsideTokenProxy(urn: string): boolean {
  return urnTypeChain(urn).slice(0, -1).includes(TOKEN_PROXY_COMPONENT_TYPE);
}

function sameText(a: unknown, b: string): boolean {
  return typeof a === "string" && a.toLowerCase() === b.toLowerCase();
}

/** A string or a list of strings (IAM's `Action`, `NotAction`, `Statement`), as a list. */
function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}

// ---------------------------------------------------------------------------------------------
// (a) No TikTok v1 endpoint anywhere
// ---------------------------------------------------------------------------------------------

export const noTikTokV1Endpoints: ResourceValidationPolicy = {
  name: "no-tiktok-v1-endpoints",
  description:
    "No resource input may name a TikTok Login Kit v1 endpoint (www.tiktok.com/auth/authorize/ or " +
    "open-api.tiktok.com): TikTok turned them off for web apps on 2024-02-29, so anything pointing at " +
    "them fails every login. Every string input of every resource is searched, at any depth, including " +
    "JSON-escaped and URL-encoded forms. Fix: use https://www.tiktok.com/v2/auth/authorize/ and " +
    "https://open.tiktokapis.com/v2/... instead.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    for (const leaf of stringLeaves(args.props)) {
      for (const endpoint of tiktokV1EndpointsIn(leaf.value)) {
        reportViolation(
          `${leaf.path || "(value)"} names the TikTok v1 endpoint ${endpoint}, which no longer works for web apps. ` +
            "Use https://www.tiktok.com/v2/auth/authorize/ or https://open.tiktokapis.com/v2/ instead.",
        );
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// (b) Public function URLs only on the token proxy, and only behind the shared secret
// ---------------------------------------------------------------------------------------------

export const publicFunctionUrlOnlyOnTokenProxy: ResourceValidationPolicy = {
  name: "public-function-url-only-on-token-proxy",
  description:
    "A Lambda function URL with authorizationType NONE, and a lambda:InvokeFunctionUrl permission for " +
    `principal "*", may only belong to the token proxy (a child of the ${TOKEN_PROXY_COMPONENT_TYPE} ` +
    "component, as its URN shows). Anything else made public by accident would be callable by the whole " +
    "internet. The proxy itself is public on purpose: Auth0 calls it, and the x-proxy-secret header " +
    "guards it (see public-token-proxy-requires-shared-secret). Fix: use authorizationType AWS_IAM, or " +
    "move the function into the TokenProxy component if it really is the proxy.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (isInsideTokenProxy(args.urn)) return;
    if (args.type === TYPES.functionUrl && sameText(args.props.authorizationType, "NONE")) {
      reportViolation(
        `This function URL has authorizationType NONE but is not part of the token proxy (${TOKEN_PROXY_COMPONENT_TYPE}), ` +
          "so anyone on the internet could invoke its function. Use authorizationType AWS_IAM.",
      );
    }
    if (
      args.type === TYPES.permission &&
      sameText(args.props.action, "lambda:InvokeFunctionUrl") &&
      args.props.principal === "*"
    ) {
      reportViolation(
        `This permission lets principal "*" invoke a function URL, but it is not part of the token proxy (${TOKEN_PROXY_COMPONENT_TYPE}). ` +
          "Grant lambda:InvokeFunctionUrl to specific principals instead.",
      );
    }
  },
};

function resourcesOfType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((resource) => resource.type === type);
}

/** The Lambda function a function URL serves: by name or ARN, else by the URL's property dependency. */
function functionServedBy(url: PolicyResource, resources: readonly PolicyResource[]): PolicyResource | undefined {
  const target = peek(url.props, "functionName");
  const functions = resourcesOfType(resources, TYPES.lambdaFunction);
  if (typeof target === "string") {
    const byName = functions.find((fn) => peek(fn.props, "name") === target || peek(fn.props, "arn") === target);
    if (byName) return byName;
  }
  const dependencies = url.propertyDependencies?.functionName ?? [];
  return dependencies.find((dependency) => dependency.type === TYPES.lambdaFunction);
}

/** The value of the connection's x-proxy-secret custom header: a string, UNKNOWN, or undefined if absent. */
export function sharedSecretHeaderValue(connection: PolicyResource): unknown {
  const headers = peekPath(connection.props, "options", "customHeaders");
  if (headers === UNKNOWN) return UNKNOWN;
  if (!Array.isArray(headers)) return undefined;
  for (let i = 0; i < headers.length; i++) {
    const header = peek(headers, i);
    if (header === UNKNOWN) return UNKNOWN;
    const name = peek(header, "header");
    if (name === UNKNOWN) return UNKNOWN;
    if (sameText(name, SHARED_SECRET_HEADER)) return peek(header, "value");
  }
  return undefined;
}

function isPresent(value: unknown): boolean {
  return value === UNKNOWN || nonEmptyString(value);
}

/**
 * The values a PROXY_SHARED_SECRET accepts, read as the proxy reads it (proxy/config.ts,
 * parseSharedSecrets): comma-separated, each trimmed, empty ones dropped. Repeated here rather than
 * imported, so the pack keeps no runtime dependency on the proxy's code; a test holds them equal.
 */
export function acceptedSharedSecrets(variable: string): string[] {
  return variable
    .split(",")
    .map((value) => value.trim())
    .filter((value) => value !== "");
}

/** Unknown during preview counts as set; a known value must list at least one secret (not just ","). */
function requiresSharedSecret(variable: unknown): boolean {
  return variable === UNKNOWN || (typeof variable === "string" && acceptedSharedSecrets(variable).length > 0);
}

function strategyIsOAuth2(connection: PolicyResource): boolean {
  const strategy = peek(connection.props, "strategy");
  return strategy === UNKNOWN || strategy === "oauth2";
}

export const publicTokenProxyRequiresSharedSecret: StackValidationPolicy = {
  name: "public-token-proxy-requires-shared-secret",
  description:
    "A stack may only have a Lambda function URL with authorizationType NONE if (1) the function it " +
    `serves requires the shared secret (its ${SHARED_SECRET_ENV} environment variable lists at least one ` +
    `value, comma-separated), and (2) the stack's Auth0 custom social connection (strategy oauth2) sends ` +
    `one of those values in the ${SHARED_SECRET_HEADER} custom header, where both are known. The function ` +
    "may accept several values (the stack's two secret slots, so the secret can be rotated without a failed " +
    "login); the connection sends one. Without both, the public proxy would relay anyone's token requests " +
    "to TikTok, or refuse every login. Values still unknown during preview (a generated secret, a new URL) " +
    `count as set; they are compared once known. Fix: set ${SHARED_SECRET_ENV} on the function to the ` +
    `accepted secrets, comma-separated, and options.customHeaders [{ header: "${SHARED_SECRET_HEADER}", ` +
    "value: <one of them> }] on the connection.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const publicUrls = resourcesOfType(args.resources, TYPES.functionUrl).filter((url) => {
      const type = peek(url.props, "authorizationType");
      return type === UNKNOWN || sameText(type, "NONE");
    });
    if (publicUrls.length === 0) return;
    const connections = resourcesOfType(args.resources, TYPES.auth0Connection).filter(strategyIsOAuth2);

    for (const url of publicUrls) {
      const fn = functionServedBy(url, args.resources);
      const expected: unknown = fn ? peekPath(fn.props, "environment", "variables", SHARED_SECRET_ENV) : undefined;
      if (!fn) {
        reportViolation(
          "This public function URL serves no Lambda function declared in the stack, so nothing shows that it " +
            `requires the ${SHARED_SECRET_HEADER} header. Declare the function in the same stack.`,
          url.urn,
        );
      } else if (!requiresSharedSecret(expected)) {
        reportViolation(
          `The function behind this public URL has no ${SHARED_SECRET_ENV} (or one that lists no value), so it accepts ` +
            "token requests from anyone or cannot start. " +
            `Set environment.variables.${SHARED_SECRET_ENV} to the secrets the proxy accepts, comma-separated, including the one the Auth0 connection sends.`,
          url.urn,
        );
      }

      // The connection that calls this URL, where that is known; otherwise every oauth2 connection.
      const functionUrl = peek(url.props, "functionUrl");
      const callers = connections.filter((connection) => {
        const tokenEndpoint = peekPath(connection.props, "options", "tokenEndpoint");
        if (typeof functionUrl !== "string" || typeof tokenEndpoint !== "string") return true;
        return tokenEndpoint.startsWith(functionUrl.replace(/\/+$/, ""));
      });
      const sending = callers.filter((connection) => isPresent(sharedSecretHeaderValue(connection)));
      if (sending.length === 0) {
        reportViolation(
          `No Auth0 oauth2 connection in this stack sends the ${SHARED_SECRET_HEADER} header to this public function URL, ` +
            "so the proxy is either open to anyone or rejects every login. " +
            `Add options.customHeaders [{ header: "${SHARED_SECRET_HEADER}", value: <shared secret> }] to the connection.`,
          url.urn,
        );
        continue;
      }
      if (typeof expected === "string") {
        const accepted = acceptedSharedSecrets(expected);
        for (const connection of sending) {
          const sent = sharedSecretHeaderValue(connection);
          // Neither value is ever printed: policy output ends up in CI logs and PR comments.
          if (typeof sent === "string" && !accepted.includes(sent)) {
            reportViolation(
              `The Auth0 connection sends a ${SHARED_SECRET_HEADER} value that is not one of the values the function's ` +
                `${SHARED_SECRET_ENV} accepts, so every login fails with 401. Send the active secret slot, and let the ` +
                "function accept both slots.",
              connection.urn,
            );
          }
        }
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// (c) No public lambda:InvokeFunction without the function URL condition
// ---------------------------------------------------------------------------------------------

/** An action pattern with `*` or `?` that covers lambda:InvokeFunction (`*`, `lambda:*`, `lambda:Invoke*`, ...). */
export function isWildcardCoveringInvoke(action: string): boolean {
  if (!/[*?]/.test(action)) return false;
  const glob = action
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${glob}$`, "i").test("lambda:InvokeFunction");
}

export const noPublicInvokeWithoutFunctionUrl: ResourceValidationPolicy = {
  name: "no-public-invoke-without-function-url-condition",
  description:
    'A Lambda permission may grant lambda:InvokeFunction to principal "*" only with invokedViaFunctionUrl ' +
    "true, which limits it to calls through the function URL (AWS has required that statement for public " +
    "URLs since October 2025). Without the flag anyone can invoke the function directly, bypassing the URL. " +
    'Wildcard actions (lambda:*, lambda:Invoke*, *) for principal "*" are refused outright: they also grant ' +
    'other actions. Fix: action "lambda:InvokeFunction" with invokedViaFunctionUrl: true, or a specific principal.',
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== TYPES.permission) return;
    const { action, principal } = args.props;
    if (principal !== "*" || typeof action !== "string") return;
    if (isWildcardCoveringInvoke(action)) {
      reportViolation(
        `This permission grants "${action}" to principal "*", which includes invoking the function directly. ` +
          'Grant exactly "lambda:InvokeFunction" with invokedViaFunctionUrl: true, or name a principal.',
      );
    } else if (sameText(action, "lambda:InvokeFunction") && args.props.invokedViaFunctionUrl !== true) {
      reportViolation(
        'This permission lets anyone ("*") invoke the function directly. Set invokedViaFunctionUrl: true so it only ' +
          "applies to calls through the function URL.",
      );
    }
  },
};

// ---------------------------------------------------------------------------------------------
// (d) Log retention
// ---------------------------------------------------------------------------------------------

export const logGroupsHaveRetention: ResourceValidationPolicy = {
  name: "log-groups-have-retention",
  description:
    "Every CloudWatch log group must set retentionInDays to more than 0. Without it CloudWatch keeps the " +
    "proxy's logs forever: an ever-growing bill, and request metadata kept longer than anyone needs. " +
    "Fix: set retentionInDays (the stack's logRetentionDays setting, 30 by default).",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== TYPES.logGroup) return;
    const days: unknown = args.props.retentionInDays;
    if (typeof days !== "number" || !Number.isFinite(days) || days <= 0) {
      reportViolation(
        `This log group keeps its events forever (retentionInDays is ${days === undefined ? "not set" : JSON.stringify(days)}). ` +
          "Set retentionInDays to one of CloudWatch's periods, e.g. 30.",
      );
    }
  },
};

// ---------------------------------------------------------------------------------------------
// (e) Lambda runtime
// ---------------------------------------------------------------------------------------------

export const lambdaRuntimeIsSupportedNode: ResourceValidationPolicy = {
  name: "lambda-runtime-is-nodejs-22-or-24",
  description:
    `Every Lambda function must run on ${ALLOWED_LAMBDA_RUNTIMES.join(" or ")}: the proxy bundle targets ` +
    "Node 22, older runtimes are deprecated or past end of support, and container images or custom runtimes " +
    `are not how this project ships. Fix: set runtime to "${ALLOWED_LAMBDA_RUNTIMES[0]}" or "${ALLOWED_LAMBDA_RUNTIMES[1]}".`,
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== TYPES.lambdaFunction) return;
    const runtime: unknown = args.props.runtime;
    if (!(ALLOWED_LAMBDA_RUNTIMES as readonly unknown[]).includes(runtime)) {
      reportViolation(
        `This function's runtime is ${runtime === undefined ? "not set" : JSON.stringify(runtime)}; ` +
          `only ${ALLOWED_LAMBDA_RUNTIMES.join(" and ")} are allowed.`,
      );
    }
  },
};

// ---------------------------------------------------------------------------------------------
// (f) No wildcard IAM
// ---------------------------------------------------------------------------------------------

/** `*`, or every action of a service (`logs:*`). Partial wildcards such as `logs:Put*` are allowed. */
export function isWildcardIamAction(action: string): boolean {
  return action.trim() === "*" || /^[a-z0-9-]+:\*$/i.test(action.trim());
}

/**
 * What is wrong with one IAM policy document (JSON text or an object), as sentences. An Allow
 * statement may not use `*` or `service:*` actions, nor NotAction (which allows everything else).
 */
export function wildcardIamProblems(document: unknown): string[] {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return ["is not valid JSON, so its actions cannot be checked"];
    }
  }
  if (parsed === null || typeof parsed !== "object") return ["is not a policy document"];
  const problems: string[] = [];
  asList((parsed as Record<string, unknown>).Statement).forEach((statement, index) => {
    if (statement === null || typeof statement !== "object") return;
    const s = statement as Record<string, unknown>;
    // A missing Effect is invalid in AWS; treating it as Allow keeps the check strict.
    if (s.Effect !== undefined && s.Effect !== "Allow") return;
    const label = typeof s.Sid === "string" && s.Sid !== "" ? `statement "${s.Sid}"` : `statement ${index}`;
    for (const action of asList(s.Action)) {
      if (typeof action === "string" && isWildcardIamAction(action)) {
        problems.push(`${label} allows the wildcard action "${action}"`);
      }
    }
    if (s.NotAction !== undefined) {
      problems.push(`${label} allows NotAction, i.e. every action except the ones listed`);
    }
  });
  return problems;
}

/** A managed policy ARN whose name grants administrator or full-service access. */
export function isBroadManagedPolicyArn(arn: string): boolean {
  const name = arn.split("/").pop() ?? arn;
  return BROAD_MANAGED_POLICY.test(name);
}

const INLINE_POLICY_TYPES: readonly string[] = [
  TYPES.iamPolicy,
  TYPES.iamRolePolicy,
  TYPES.iamUserPolicy,
  TYPES.iamGroupPolicy,
];
const POLICY_ARN_TYPES: readonly string[] = [
  TYPES.iamRolePolicyAttachment,
  TYPES.iamUserPolicyAttachment,
  TYPES.iamGroupPolicyAttachment,
  TYPES.iamPolicyAttachment,
];

export const noWildcardIam: ResourceValidationPolicy = {
  name: "no-wildcard-iam",
  description:
    'IAM policies may not allow "*" or "service:*" actions (or use NotAction in an Allow) - in aws.iam.Policy, ' +
    "RolePolicy, UserPolicy, GroupPolicy and a Role's inlinePolicies - and may not attach AWS managed policies " +
    "named *AdministratorAccess, PowerUserAccess or *FullAccess. The proxy's role needs exactly " +
    "logs:CreateLogStream and logs:PutLogEvents on its own log group; anything wider turns a bug or a leaked " +
    "credential into an account-wide incident. During preview a policy that embeds a not-yet-created ARN is " +
    "unknown and is checked during the update. Fix: list the exact actions and resources.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const report = (where: string, problems: string[]) => {
      for (const problem of problems) reportViolation(`${where} ${problem}. List the exact actions instead.`);
    };
    const reportArn = (where: string, arn: unknown) => {
      if (typeof arn === "string" && isBroadManagedPolicyArn(arn)) {
        reportViolation(
          `${where} attaches the managed policy ${arn}, which grants far more than this stack needs. Attach a policy with the exact actions.`,
        );
      }
    };

    if (INLINE_POLICY_TYPES.includes(args.type)) {
      report("The policy", wildcardIamProblems(args.props.policy));
    } else if (args.type === TYPES.iamRole) {
      const inlinePolicies: unknown = args.props.inlinePolicies;
      asList(inlinePolicies).forEach((inline, index) => {
        if (inline === null || typeof inline !== "object") return;
        const { name, policy } = inline as { name?: unknown; policy?: unknown };
        if (policy === undefined || policy === "") return; // `[{}]` removes all inline policies.
        report(
          `Inline policy ${typeof name === "string" && name !== "" ? `"${name}"` : index}:`,
          wildcardIamProblems(policy),
        );
      });
      const managedPolicyArns: unknown = args.props.managedPolicyArns;
      for (const arn of asList(managedPolicyArns)) reportArn("The role", arn);
    } else if (POLICY_ARN_TYPES.includes(args.type)) {
      reportArn("This attachment", args.props.policyArn);
    } else if (args.type === TYPES.iamRolePolicyAttachmentsExclusive) {
      const policyArns: unknown = args.props.policyArns;
      for (const arn of asList(policyArns)) reportArn("This attachment", arn);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// (g) The TikTok client secret
// ---------------------------------------------------------------------------------------------

const SECRET_LIMITATION =
  "Limitation: CrossGuard hands policies every secret as a plain value with no secret marker " +
  "(pulumi/pulumi-policy#241), and policies never see stack configuration, so no policy can tell whether the " +
  "value came from `pulumi config set --secret` or from plain text in Pulumi.<stack>.yaml. That half is " +
  "enforced by test/policy/stack-config-secrets.test.ts, which fails on any plain-text secret in a committed " +
  "Pulumi.*.yaml.";

/** An oauth2 connection whose authorize URL is TikTok's: the connection this project manages. */
function isTikTokConnection(props: Record<string, unknown>): boolean {
  const authorizationEndpoint = peekPath(props, "options", "authorizationEndpoint");
  return (
    peek(props, "strategy") === "oauth2" &&
    typeof authorizationEndpoint === "string" &&
    /\btiktok\.com\//i.test(authorizationEndpoint)
  );
}

const PLACEHOLDER = /^<.*>$|^(changeme|change-me|placeholder|todo|tbd|secret|client[-_ ]?secret|x+|\*+)$/i;

export const tiktokClientSecretIsSet: ResourceValidationPolicy = {
  name: "tiktok-client-secret-is-set",
  description:
    "The TikTok connection (an Auth0 oauth2 connection whose authorizationEndpoint is on tiktok.com) must set " +
    "options.clientSecret to a real value: not empty, not a placeholder such as <...> or changeme, and not " +
    "the client key pasted twice. Auth0 sends it with every token request; a wrong one fails every login with " +
    "invalid_client. Fix: `pulumi config set --secret tiktokClientSecret <client secret from TikTok for " +
    "Developers>`. " +
    SECRET_LIMITATION,
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== TYPES.auth0Connection || !isTikTokConnection(args.props)) return;
    const options = args.props.options as Record<string, unknown>;
    const secret: unknown = options.clientSecret;
    const fix = "Run `pulumi config set --secret tiktokClientSecret <client secret from TikTok for Developers>`.";
    if (!nonEmptyString(secret)) {
      reportViolation(
        `The TikTok connection has no options.clientSecret, so every login fails with invalid_client. ${fix}`,
      );
    } else if (PLACEHOLDER.test(secret.trim())) {
      reportViolation(
        `The TikTok connection's options.clientSecret is a placeholder, not TikTok's client secret. ${fix}`,
      );
    } else if (secret === options.clientId) {
      reportViolation(
        `The TikTok connection's options.clientSecret equals its client key (clientId): the key was pasted twice. ${fix}`,
      );
    }
  },
};

export const tiktokClientSecretOnlyInConnection: StackValidationPolicy = {
  name: "tiktok-client-secret-only-in-connection",
  description:
    "The TikTok client secret may appear in exactly one place: the TikTok connection's options.clientSecret. " +
    "The proxy never needs it (Auth0 sends it with each token request), so finding it anywhere else - a " +
    "Lambda environment variable, a tag, a stack output, another field of the connection - means it was " +
    "copied somewhere it can leak from. The value itself is never printed. Fix: remove the copy; pass the " +
    `secret only to the connection. ${SECRET_LIMITATION}`,
  enforcementLevel: "mandatory",
  validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
    for (const connection of resourcesOfType(args.resources, TYPES.auth0Connection)) {
      if (!isTikTokConnection(connection.props)) continue;
      const secret = peekPath(connection.props, "options", "clientSecret");
      // Too short to search for without false alarms; tiktok-client-secret-is-set rejects such values.
      if (typeof secret !== "string" || secret.length < 8) continue;
      for (const resource of args.resources) {
        for (const leaf of stringLeaves(resource.props)) {
          if (resource === connection && leaf.path === "options.clientSecret") continue;
          if (leaf.value.includes(secret)) {
            reportViolation(
              `${leaf.path || "A value"} of ${resource.type} "${resource.name}" contains the TikTok client secret. ` +
                "Only the TikTok connection's options.clientSecret may hold it; remove this copy.",
              resource.urn,
            );
          }
        }
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Connections hold users: protected
// ---------------------------------------------------------------------------------------------

export const auth0ConnectionIsProtected: ResourceValidationPolicy = {
  name: "auth0-connection-is-protected",
  description:
    "Every Auth0 connection must be declared with the `protect: true` resource option. A connection holds its " +
    "users: deleting it deletes them all, and a change of `name` or `strategy` replaces it, deleting them too. " +
    "With `protect`, Pulumi refuses both, so a renamed connectionName, a `pulumi destroy` or a refactor that " +
    "moves the resource fails instead of losing users. Fix: declare the connection with `{ protect: true }` " +
    "(component/tiktok-connection.ts does). To retire a connection on purpose, export its users first and run " +
    "`pulumi state unprotect` on it (docs/operations.md); never drop `protect` from the program.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== TYPES.auth0Connection || args.opts.protect) return;
    reportViolation(
      `The Auth0 connection "${args.name}" is not protected: deleting or replacing it would delete every user in it. ` +
        "Declare it with the resource option `protect: true`.",
    );
  },
};

// ---------------------------------------------------------------------------------------------

/** Every policy of the pack, in the order they are documented above. */
export const policies: Policies = [
  noTikTokV1Endpoints,
  publicFunctionUrlOnlyOnTokenProxy,
  publicTokenProxyRequiresSharedSecret,
  noPublicInvokeWithoutFunctionUrl,
  logGroupsHaveRetention,
  lambdaRuntimeIsSupportedNode,
  noWildcardIam,
  tiktokClientSecretIsSet,
  tiktokClientSecretOnlyInConnection,
  auth0ConnectionIsProtected,
];
