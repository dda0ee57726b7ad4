import * as policyProxy from "@pulumi/policy/proxy";
import { LAMBDA_RUNTIMES } from "../../infra/config";
import { logWritePolicy } from "../../component/token-proxy";
import { parseSharedSecrets } from "../../proxy/config";
import {
  acceptedSharedSecrets,
  ALLOWED_LAMBDA_RUNTIMES,
  auth0ConnectionIsProtected,
  isUnknownSentinel,
  lambdaRuntimeIsSupportedNode,
  logGroupsHaveRetention,
  noPublicInvokeWithoutFunctionUrl,
  noTikTokV1Endpoints,
  noWildcardIam,
  policies,
  publicFunctionUrlOnlyOnTokenProxy,
  publicTokenProxyRequiresSharedSecret,
  SHARED_SECRET_HEADER,
  tiktokClientSecretIsSet,
  tiktokClientSecretOnlyInConnection,
  TYPES,
  urnTypeChain,
} from "../../policy/policies";
import { SHARED_SECRET_HEADER as PROXY_SHARED_SECRET_HEADER } from "../../proxy/token-proxy";
import {
  IN_TOKEN_PROXY,
  resourceArgs,
  resourceViolations,
  stackResource,
  stackViolations,
  UNKNOWN_STRING,
  unknownCheckingProxy,
  UnknownValueError,
} from "./policy-harness";

const V2_AUTHORIZE = "https://www.tiktok.com/v2/auth/authorize/";
const FUNCTION_NAME = "tiktok-auth0-dev-token-proxy";
const FUNCTION_URL = "https://abc123.lambda-url.us-east-1.on.aws/";
const SHARED_SECRET = "SharedSecret0123456789abcdefghijklmnopqrstuvwxyz";
/** The other slot the function accepts next to SHARED_SECRET while a rotation is under way. */
const OTHER_SLOT = "OtherSlotSecret0123456789abcdefghijklmnopqrstuvw";
const CLIENT_KEY = "awtestclientkey123";
const CLIENT_SECRET = "tiktok-client-secret-0123456789abcdef";

/** The connection component/tiktok-connection.ts declares, as its inputs. */
function tiktokConnectionProps(options: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "TikTok",
    strategy: "oauth2",
    options: {
      authorizationEndpoint: V2_AUTHORIZE,
      tokenEndpoint: `${FUNCTION_URL}proxy/token`,
      clientId: CLIENT_KEY,
      clientSecret: CLIENT_SECRET,
      scopes: ["user.info.basic"],
      upstreamParams: JSON.stringify({ client_key: { value: CLIENT_KEY } }),
      customHeaders: [{ header: SHARED_SECRET_HEADER, value: SHARED_SECRET }],
      scripts: { fetchUserProfile: "function fetchUserProfile(accessToken, context, callback) { /* v2 */ }" },
      ...options,
    },
  };
}

describe("the policy pack", () => {
  it("makes every policy mandatory, with a unique kebab-case name and a description that says what, why and the fix", () => {
    const names = policies.map((policy) => policy.name);
    expect(new Set(names).size).toBe(names.length);
    for (const policy of policies) {
      expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(policy.enforcementLevel).toBe("mandatory");
      expect(policy.description.length).toBeGreaterThan(150);
      expect(policy.description).toMatch(/Fix: /);
    }
  });

  it("covers rules (a) to (g) of the first policy issue with nine policies, and the protected connection with a tenth", () => {
    expect(policies.map((policy) => policy.name)).toEqual([
      "no-tiktok-v1-endpoints",
      "public-function-url-only-on-token-proxy",
      "public-token-proxy-requires-shared-secret",
      "no-public-invoke-without-function-url-condition",
      "log-groups-have-retention",
      "lambda-runtime-is-nodejs-22-or-24",
      "no-wildcard-iam",
      "tiktok-client-secret-is-set",
      "tiktok-client-secret-only-in-connection",
      "auth0-connection-is-protected",
    ]);
  });

  it("uses the same shared-secret header name as the proxy and the same runtimes as the stack config", () => {
    expect(SHARED_SECRET_HEADER).toBe(PROXY_SHARED_SECRET_HEADER);
    expect([...ALLOWED_LAMBDA_RUNTIMES]).toEqual([...LAMBDA_RUNTIMES]);
  });

  it("recognizes the engine's unknown-value sentinels exactly as @pulumi/policy defines them", () => {
    const internals = policyProxy as unknown as Record<string, unknown>;
    const sentinels = Object.keys(internals)
      .filter((key) => /^unknown\w+Value$/.test(key))
      .map((key) => internals[key]);
    expect(sentinels).toHaveLength(7);
    for (const sentinel of sentinels) expect(isUnknownSentinel(sentinel)).toBe(true);
    expect(internals.unknownStringValue).toBe(UNKNOWN_STRING);
    expect(isUnknownSentinel("04da6b54-80e4-46f7-96ec-b56ff0331ba8")).toBe(false);
  });
});

describe("no-tiktok-v1-endpoints", () => {
  it("accepts a connection that uses TikTok's v2 authorize URL", async () => {
    const args = resourceArgs(TYPES.auth0Connection, tiktokConnectionProps());
    expect(await resourceViolations(noTikTokV1Endpoints, args)).toEqual([]);
  });

  it("rejects the v1 authorize URL in a connection's authorizationEndpoint, naming the property", async () => {
    const args = resourceArgs(
      TYPES.auth0Connection,
      tiktokConnectionProps({ authorizationEndpoint: "https://www.tiktok.com/auth/authorize/" }),
    );
    const violations = await resourceViolations(noTikTokV1Endpoints, args);
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toMatch(
      /^options\.authorizationEndpoint names the TikTok v1 endpoint www\.tiktok\.com\/auth\/authorize/,
    );
  });

  it("finds open-api.tiktok.com at any depth of any resource, such as a Lambda environment variable", async () => {
    const args = resourceArgs(TYPES.lambdaFunction, {
      runtime: "nodejs22.x",
      environment: { variables: { TIKTOK_TOKEN_URL: "https://open-api.tiktok.com/oauth/access_token/" } },
    });
    const violations = await resourceViolations(noTikTokV1Endpoints, args);
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toMatch(
      /^environment\.variables\.TIKTOK_TOKEN_URL names the TikTok v1 endpoint open-api\.tiktok\.com/,
    );
  });

  it("finds v1 endpoints inside script text, list items, JSON-escaped and URL-encoded strings", async () => {
    const args = resourceArgs(
      TYPES.auth0Connection,
      tiktokConnectionProps({
        scripts: { fetchUserProfile: "request.get('https://open-api.tiktok.com/oauth/userinfo/')" },
        scopes: ["https://tiktok.com/auth/authorize?x=1"],
        upstreamParams: '{"redirect":{"value":"https:\\/\\/www.tiktok.com\\/auth\\/authorize\\/"}}',
        iconUrl: "https://example.com/?next=https%3A%2F%2Fopen-api.tiktok.com%2Fuser%2Finfo%2F",
      }),
    );
    const paths = (await resourceViolations(noTikTokV1Endpoints, args)).map((v) => v.message.split(" ")[0]);
    expect(paths.sort()).toEqual([
      "options.iconUrl",
      "options.scopes[0]",
      "options.scripts.fetchUserProfile",
      "options.upstreamParams",
    ]);
  });

  it("skips values that are unknown during preview instead of failing the policy", async () => {
    const props = unknownCheckingProxy(tiktokConnectionProps({ tokenEndpoint: UNKNOWN_STRING }));
    expect(() => (props.options as Record<string, unknown>).tokenEndpoint).toThrow(UnknownValueError);
    expect(await resourceViolations(noTikTokV1Endpoints, resourceArgs(TYPES.auth0Connection, props))).toEqual([]);
  });
});

describe("public-function-url-only-on-token-proxy", () => {
  it("allows authorizationType NONE on the token proxy's function URL", async () => {
    const args = resourceArgs(
      TYPES.functionUrl,
      { functionName: FUNCTION_NAME, authorizationType: "NONE" },
      { name: "token-proxy-url", parentTypes: IN_TOKEN_PROXY },
    );
    expect(await resourceViolations(publicFunctionUrlOnlyOnTokenProxy, args)).toEqual([]);
  });

  it("allows it on a grandchild of the token proxy, since the URN carries every parent's type", async () => {
    const parents = ["tiktok-auth0:index:Stack", ...IN_TOKEN_PROXY, "tiktok-auth0:index:Inner"];
    const args = resourceArgs(
      TYPES.functionUrl,
      { functionName: "f", authorizationType: "NONE" },
      { parentTypes: parents },
    );
    expect(urnTypeChain(args.urn)).toEqual([...parents, TYPES.functionUrl]);
    expect(await resourceViolations(publicFunctionUrlOnlyOnTokenProxy, args)).toEqual([]);
  });

  it("rejects authorizationType NONE outside the token proxy, even when the name says token-proxy", async () => {
    const args = resourceArgs(
      TYPES.functionUrl,
      { functionName: FUNCTION_NAME, authorizationType: "NONE" },
      { name: "token-proxy-url" },
    );
    const violations = await resourceViolations(publicFunctionUrlOnlyOnTokenProxy, args);
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toMatch(/authorizationType NONE but is not part of the token proxy/);
  });

  it("allows an AWS_IAM function URL anywhere", async () => {
    const args = resourceArgs(TYPES.functionUrl, { functionName: "internal", authorizationType: "AWS_IAM" });
    expect(await resourceViolations(publicFunctionUrlOnlyOnTokenProxy, args)).toEqual([]);
  });

  it("allows the token proxy's public lambda:InvokeFunctionUrl permission and rejects the same permission elsewhere", async () => {
    const props = {
      function: FUNCTION_NAME,
      action: "lambda:InvokeFunctionUrl",
      principal: "*",
      functionUrlAuthType: "NONE",
    };
    const inProxy = resourceArgs(TYPES.permission, props, { parentTypes: IN_TOKEN_PROXY });
    expect(await resourceViolations(publicFunctionUrlOnlyOnTokenProxy, inProxy)).toEqual([]);
    const elsewhere = await resourceViolations(
      publicFunctionUrlOnlyOnTokenProxy,
      resourceArgs(TYPES.permission, props),
    );
    expect(elsewhere).toHaveLength(1);
    expect(elsewhere[0].message).toMatch(/lets principal "\*" invoke a function URL/);
  });
});

describe("public-token-proxy-requires-shared-secret", () => {
  interface ProxyStackOptions {
    envSecret?: unknown;
    headers?: unknown;
    tokenEndpoint?: string;
    functionNameOnUrl?: unknown;
    authorizationType?: string;
  }

  /** The function, URL and connection the program declares, as the stack policy sees their outputs. */
  function proxyStack(options: ProxyStackOptions = {}) {
    const variables: Record<string, unknown> = { TIKTOK_CLIENT_KEY: CLIENT_KEY };
    if (options.envSecret !== undefined) variables.PROXY_SHARED_SECRET = options.envSecret;
    const fn = stackResource(
      TYPES.lambdaFunction,
      { name: FUNCTION_NAME, runtime: "nodejs22.x", environment: { variables } },
      { name: "token-proxy-function", parentTypes: IN_TOKEN_PROXY },
    );
    const url = stackResource(
      TYPES.functionUrl,
      {
        functionName: "functionNameOnUrl" in options ? options.functionNameOnUrl : FUNCTION_NAME,
        authorizationType: options.authorizationType ?? "NONE",
        functionUrl: FUNCTION_URL,
      },
      { name: "token-proxy-url", parentTypes: IN_TOKEN_PROXY, propertyDependencies: { functionName: [fn] } },
    );
    const connection = stackResource(
      TYPES.auth0Connection,
      tiktokConnectionProps({
        tokenEndpoint: options.tokenEndpoint ?? `${FUNCTION_URL}proxy/token`,
        customHeaders:
          "headers" in options ? options.headers : [{ header: SHARED_SECRET_HEADER, value: SHARED_SECRET }],
      }),
      { name: "tiktok-connection" },
    );
    return { fn, url, connection };
  }

  it("accepts a public URL whose function requires the secret the connection sends", async () => {
    const { fn, url, connection } = proxyStack({ envSecret: SHARED_SECRET });
    expect(await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url, connection])).toEqual([]);
  });

  it("rejects a public URL when no connection sends x-proxy-secret", async () => {
    const { fn, url, connection } = proxyStack({ envSecret: SHARED_SECRET, headers: [] });
    const violations = await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url, connection]);
    expect(violations).toEqual([
      { message: expect.stringMatching(/No Auth0 oauth2 connection .* sends the x-proxy-secret header/), urn: url.urn },
    ]);
  });

  it("rejects a public URL when the stack has no Auth0 connection at all", async () => {
    const { fn, url } = proxyStack({ envSecret: SHARED_SECRET });
    const violations = await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url]);
    expect(violations.map((v) => v.urn)).toEqual([url.urn]);
  });

  it("rejects a public URL whose function has no PROXY_SHARED_SECRET", async () => {
    const { fn, url, connection } = proxyStack();
    const violations = await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url, connection]);
    expect(violations).toEqual([{ message: expect.stringMatching(/has no PROXY_SHARED_SECRET/), urn: url.urn }]);
  });

  it("rejects a connection whose x-proxy-secret differs from the function's PROXY_SHARED_SECRET, without printing either", async () => {
    const { fn, url, connection } = proxyStack({ envSecret: "SomeOtherSecret0123456789" });
    const violations = await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url, connection]);
    expect(violations).toEqual([
      {
        message: expect.stringMatching(/is not one of the values the function's PROXY_SHARED_SECRET accepts/),
        urn: connection.urn,
      },
    ]);
    expect(JSON.stringify(violations)).not.toContain(SHARED_SECRET);
    expect(JSON.stringify(violations)).not.toContain("SomeOtherSecret");
  });

  it.each([
    ["the first", `${SHARED_SECRET},${OTHER_SLOT}`],
    ["the second", `${OTHER_SLOT},${SHARED_SECRET}`],
    ["the second, with spaces around the comma", `${OTHER_SLOT} , ${SHARED_SECRET}`],
  ])(
    "accepts a connection whose x-proxy-secret is %s of two values the function accepts",
    async (_label, envSecret) => {
      const { fn, url, connection } = proxyStack({ envSecret });
      expect(await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url, connection])).toEqual([]);
    },
  );

  it("rejects a connection whose x-proxy-secret is in neither of two accepted values, without printing any of them", async () => {
    const { fn, url, connection } = proxyStack({ envSecret: `${OTHER_SLOT},ThirdSlotSecret0123456789` });
    const violations = await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url, connection]);
    expect(violations).toEqual([
      {
        message: expect.stringMatching(/is not one of the values the function's PROXY_SHARED_SECRET accepts/),
        urn: connection.urn,
      },
    ]);
    for (const secret of [SHARED_SECRET, OTHER_SLOT, "ThirdSlotSecret"])
      expect(JSON.stringify(violations)).not.toContain(secret);
  });

  it("rejects a connection that sends the whole comma-separated list, which the proxy refuses", async () => {
    const both = `${SHARED_SECRET},${OTHER_SLOT}`;
    const { fn, url, connection } = proxyStack({
      envSecret: both,
      headers: [{ header: SHARED_SECRET_HEADER, value: both }],
    });
    const violations = await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url, connection]);
    expect(violations.map((v) => v.urn)).toEqual([connection.urn]);
  });

  it("rejects a public URL whose function's PROXY_SHARED_SECRET lists no value, only commas", async () => {
    const { fn, url, connection } = proxyStack({ envSecret: " , " });
    const violations = await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url, connection]);
    expect(violations).toEqual([
      { message: expect.stringMatching(/has no PROXY_SHARED_SECRET \(or one that lists no value\)/), urn: url.urn },
      { message: expect.stringMatching(/is not one of the values/), urn: connection.urn },
    ]);
  });

  it.each([["SlotA"], ["SlotA,SlotB"], [" SlotA , SlotB "], [",SlotA,,"], ["SlotA,SlotA"]])(
    "reads PROXY_SHARED_SECRET=%j as the proxy does",
    (variable) => {
      expect(new Set(acceptedSharedSecrets(variable))).toEqual(new Set(parseSharedSecrets(variable)));
    },
  );

  it("treats a secret that is still unknown during preview as set, on both ends", async () => {
    const { fn, url, connection } = proxyStack({
      envSecret: UNKNOWN_STRING,
      headers: [{ header: SHARED_SECRET_HEADER, value: UNKNOWN_STRING }],
    });
    const proxied = [fn, url, connection].map((r) => ({ ...r, props: unknownCheckingProxy(r.props) }));
    expect(await stackViolations(publicTokenProxyRequiresSharedSecret, proxied)).toEqual([]);
  });

  it("matches the header name case-insensitively, as HTTP does", async () => {
    const { fn, url, connection } = proxyStack({
      envSecret: SHARED_SECRET,
      headers: [{ header: "X-Proxy-Secret", value: SHARED_SECRET }],
    });
    expect(await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url, connection])).toEqual([]);
  });

  it("does not count a connection that sends the header to a different token URL", async () => {
    const { fn, url, connection } = proxyStack({ envSecret: SHARED_SECRET, headers: [] });
    const other = stackResource(
      TYPES.auth0Connection,
      tiktokConnectionProps({ tokenEndpoint: "https://elsewhere.example.com/token" }),
      { name: "other-connection" },
    );
    const violations = await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url, connection, other]);
    expect(violations.map((v) => v.urn)).toEqual([url.urn]);
  });

  it("finds the function through the URL's property dependency when the function name is unknown", async () => {
    const { fn, url, connection } = proxyStack({ functionNameOnUrl: UNKNOWN_STRING });
    const violations = await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url, connection]);
    expect(violations).toEqual([{ message: expect.stringMatching(/has no PROXY_SHARED_SECRET/), urn: url.urn }]);
  });

  it("says nothing about a stack whose only function URL requires IAM", async () => {
    const { fn, url, connection } = proxyStack({ authorizationType: "AWS_IAM", headers: [] });
    expect(await stackViolations(publicTokenProxyRequiresSharedSecret, [fn, url, connection])).toEqual([]);
  });
});

describe("no-public-invoke-without-function-url-condition", () => {
  const permission = (props: Record<string, unknown>) =>
    resourceArgs(TYPES.permission, { function: FUNCTION_NAME, ...props }, { parentTypes: IN_TOKEN_PROXY });

  it("accepts a public lambda:InvokeFunction limited to the function URL", async () => {
    const args = permission({ action: "lambda:InvokeFunction", principal: "*", invokedViaFunctionUrl: true });
    expect(await resourceViolations(noPublicInvokeWithoutFunctionUrl, args)).toEqual([]);
  });

  it("rejects a public lambda:InvokeFunction without invokedViaFunctionUrl, whatever the case of the action", async () => {
    for (const props of [
      { action: "lambda:InvokeFunction", principal: "*" },
      { action: "Lambda:invokefunction", principal: "*", invokedViaFunctionUrl: false },
    ]) {
      const violations = await resourceViolations(noPublicInvokeWithoutFunctionUrl, permission(props));
      expect(violations).toEqual([{ message: expect.stringMatching(/Set invokedViaFunctionUrl: true/) }]);
    }
  });

  it("rejects lambda:*, lambda:Invoke* and * for principal * even with the function URL flag", async () => {
    for (const action of ["lambda:*", "lambda:Invoke*", "*", "lambda:InvokeFunc?ion"]) {
      const args = permission({ action, principal: "*", invokedViaFunctionUrl: true });
      const violations = await resourceViolations(noPublicInvokeWithoutFunctionUrl, args);
      expect(violations).toEqual([{ message: expect.stringContaining(`grants "${action}" to principal "*"`) }]);
    }
  });

  it("leaves permissions for a named principal and the public lambda:InvokeFunctionUrl statement alone", async () => {
    for (const props of [
      { action: "lambda:InvokeFunction", principal: "events.amazonaws.com" },
      { action: "lambda:*", principal: "123456789012" },
      { action: "lambda:InvokeFunctionUrl", principal: "*", functionUrlAuthType: "NONE" },
    ]) {
      expect(await resourceViolations(noPublicInvokeWithoutFunctionUrl, permission(props))).toEqual([]);
    }
  });
});

describe("log-groups-have-retention", () => {
  it("accepts a log group that keeps events for 30 days", async () => {
    const args = resourceArgs(TYPES.logGroup, { name: `/aws/lambda/${FUNCTION_NAME}`, retentionInDays: 30 });
    expect(await resourceViolations(logGroupsHaveRetention, args)).toEqual([]);
  });

  it("rejects a log group without retentionInDays, and one with 0, which keeps events forever", async () => {
    for (const [props, shown] of [
      [{ name: "/aws/lambda/x" }, "not set"],
      [{ name: "/aws/lambda/x", retentionInDays: 0 }, "0"],
    ] as const) {
      const violations = await resourceViolations(logGroupsHaveRetention, resourceArgs(TYPES.logGroup, props));
      expect(violations).toEqual([{ message: expect.stringContaining(`retentionInDays is ${shown}`) }]);
    }
  });

  it("ignores resources that are not log groups", async () => {
    const args = resourceArgs(TYPES.lambdaFunction, { runtime: "nodejs22.x" });
    expect(await resourceViolations(logGroupsHaveRetention, args)).toEqual([]);
  });
});

describe("lambda-runtime-is-nodejs-22-or-24", () => {
  it("accepts nodejs22.x and nodejs24.x", async () => {
    for (const runtime of ["nodejs22.x", "nodejs24.x"]) {
      const args = resourceArgs(TYPES.lambdaFunction, { name: FUNCTION_NAME, runtime });
      expect(await resourceViolations(lambdaRuntimeIsSupportedNode, args)).toEqual([]);
    }
  });

  it("rejects older Node runtimes, other languages, and functions without a runtime", async () => {
    for (const props of [
      { runtime: "nodejs20.x" },
      { runtime: "nodejs18.x" },
      { runtime: "python3.13" },
      { packageType: "Image" },
    ]) {
      const violations = await resourceViolations(
        lambdaRuntimeIsSupportedNode,
        resourceArgs(TYPES.lambdaFunction, props),
      );
      expect(violations).toEqual([{ message: expect.stringMatching(/only nodejs22\.x and nodejs24\.x are allowed/) }]);
    }
  });
});

describe("no-wildcard-iam", () => {
  const LOG_GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/tiktok-auth0-dev-token-proxy";
  const document = (...statements: Record<string, unknown>[]) =>
    JSON.stringify({ Version: "2012-10-17", Statement: statements });

  it("accepts the proxy's own log-writing role policy, as component/token-proxy.ts builds it", async () => {
    const args = resourceArgs(TYPES.iamRolePolicy, {
      role: "token-proxy-role",
      policy: JSON.stringify(logWritePolicy(LOG_GROUP_ARN)),
    });
    expect(await resourceViolations(noWildcardIam, args)).toEqual([]);
  });

  it("accepts a policy given as a document object, and partial wildcards such as logs:Put*", async () => {
    const policy = {
      Version: "2012-10-17",
      Statement: { Effect: "Allow", Action: ["logs:Put*", "logs:CreateLogStream"], Resource: "*" },
    };
    expect(await resourceViolations(noWildcardIam, resourceArgs(TYPES.iamPolicy, { policy }))).toEqual([]);
  });

  it('rejects "*" in a RolePolicy and "service:*" in an aws.iam.Policy, naming the statement', async () => {
    const star = resourceArgs(TYPES.iamRolePolicy, {
      policy: document({ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }),
    });
    expect(await resourceViolations(noWildcardIam, star)).toEqual([
      { message: expect.stringContaining('statement "All" allows the wildcard action "*"') },
    ]);
    const service = resourceArgs(TYPES.iamPolicy, {
      policy: document({ Effect: "Allow", Action: ["logs:PutLogEvents", "logs:*"], Resource: "*" }),
    });
    expect(await resourceViolations(noWildcardIam, service)).toEqual([
      { message: expect.stringContaining('statement 0 allows the wildcard action "logs:*"') },
    ]);
  });

  it("rejects wildcards in user and group policies and in a role's inline policies", async () => {
    const wildcard = document({ Effect: "Allow", Action: "s3:*", Resource: "*" });
    for (const type of [TYPES.iamUserPolicy, TYPES.iamGroupPolicy]) {
      expect(await resourceViolations(noWildcardIam, resourceArgs(type, { policy: wildcard }))).toHaveLength(1);
    }
    const role = resourceArgs(TYPES.iamRole, {
      assumeRolePolicy: document({
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
      }),
      inlinePolicies: [
        { name: "ok", policy: JSON.stringify(logWritePolicy(LOG_GROUP_ARN)) },
        { name: "broad", policy: wildcard },
      ],
    });
    expect(await resourceViolations(noWildcardIam, role)).toEqual([
      { message: expect.stringMatching(/^Inline policy "broad": statement 0 allows the wildcard action "s3:\*"/) },
    ]);
  });

  it("rejects NotAction in an Allow statement but ignores wildcards in Deny statements", async () => {
    const notAction = resourceArgs(TYPES.iamPolicy, {
      policy: document({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
    });
    expect(await resourceViolations(noWildcardIam, notAction)).toEqual([
      { message: expect.stringContaining("allows NotAction") },
    ]);
    const deny = resourceArgs(TYPES.iamPolicy, { policy: document({ Effect: "Deny", Action: "*", Resource: "*" }) });
    expect(await resourceViolations(noWildcardIam, deny)).toEqual([]);
  });

  it("rejects a policy that is not valid JSON, since its actions cannot be checked", async () => {
    const args = resourceArgs(TYPES.iamRolePolicy, { policy: "{ not json" });
    expect(await resourceViolations(noWildcardIam, args)).toEqual([
      { message: expect.stringContaining("is not valid JSON") },
    ]);
  });

  it("rejects AdministratorAccess, PowerUserAccess and *FullAccess managed policies on roles and attachments", async () => {
    const role = resourceArgs(TYPES.iamRole, {
      assumeRolePolicy: "{}",
      managedPolicyArns: [
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      ],
    });
    expect(await resourceViolations(noWildcardIam, role)).toEqual([
      { message: expect.stringContaining("arn:aws:iam::aws:policy/AdministratorAccess") },
    ]);
    for (const [type, props] of [
      [TYPES.iamRolePolicyAttachment, { role: "r", policyArn: "arn:aws:iam::aws:policy/AWSLambda_FullAccess" }],
      [TYPES.iamUserPolicyAttachment, { user: "u", policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" }],
      [TYPES.iamGroupPolicyAttachment, { group: "g", policyArn: "arn:aws:iam::aws:policy/IAMFullAccess" }],
      [TYPES.iamPolicyAttachment, { policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }],
      [
        TYPES.iamRolePolicyAttachmentsExclusive,
        { roleName: "r", policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
      ],
    ] as const) {
      expect(await resourceViolations(noWildcardIam, resourceArgs(type, props))).toHaveLength(1);
    }
    const narrow = resourceArgs(TYPES.iamRolePolicyAttachment, {
      role: "r",
      policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    });
    expect(await resourceViolations(noWildcardIam, narrow)).toEqual([]);
  });

  it("leaves a policy that is unknown during preview to the update, as @pulumi/policy does for any unknown it reads", async () => {
    const args = resourceArgs(TYPES.iamRolePolicy, unknownCheckingProxy({ role: "r", policy: UNKNOWN_STRING }));
    await expect(resourceViolations(noWildcardIam, args)).rejects.toThrow(UnknownValueError);
  });
});

describe("tiktok-client-secret-is-set", () => {
  const connection = (options: Record<string, unknown>) =>
    resourceArgs(TYPES.auth0Connection, tiktokConnectionProps(options));

  it("accepts a TikTok connection with a real-looking client secret", async () => {
    expect(await resourceViolations(tiktokClientSecretIsSet, connection({}))).toEqual([]);
  });

  it("rejects a TikTok connection without a client secret, or with an empty one", async () => {
    for (const clientSecret of [undefined, "", "   "]) {
      const violations = await resourceViolations(tiktokClientSecretIsSet, connection({ clientSecret }));
      expect(violations).toEqual([{ message: expect.stringMatching(/has no options\.clientSecret/) }]);
    }
  });

  it("rejects placeholders such as <client secret from TikTok for Developers> and changeme", async () => {
    for (const clientSecret of ["<client secret from TikTok for Developers>", "changeme", "TODO", "xxxxxxxx"]) {
      const violations = await resourceViolations(tiktokClientSecretIsSet, connection({ clientSecret }));
      expect(violations).toEqual([{ message: expect.stringMatching(/is a placeholder/) }]);
    }
  });

  it("rejects a client secret equal to the client key", async () => {
    const violations = await resourceViolations(tiktokClientSecretIsSet, connection({ clientSecret: CLIENT_KEY }));
    expect(violations).toEqual([{ message: expect.stringMatching(/equals its client key/) }]);
  });

  it("ignores connections that are not TikTok's", async () => {
    const google = resourceArgs(TYPES.auth0Connection, { strategy: "google-oauth2", options: {} });
    const otherOAuth2 = resourceArgs(TYPES.auth0Connection, {
      strategy: "oauth2",
      options: { authorizationEndpoint: "https://login.example.com/authorize" },
    });
    expect(await resourceViolations(tiktokClientSecretIsSet, google)).toEqual([]);
    expect(await resourceViolations(tiktokClientSecretIsSet, otherOAuth2)).toEqual([]);
  });
});

describe("tiktok-client-secret-only-in-connection", () => {
  const connection = stackResource(TYPES.auth0Connection, tiktokConnectionProps(), { name: "tiktok-connection" });
  const proxyFunction = (variables: Record<string, string>) =>
    stackResource(
      TYPES.lambdaFunction,
      { name: FUNCTION_NAME, runtime: "nodejs22.x", environment: { variables } },
      { name: "token-proxy-function", parentTypes: IN_TOKEN_PROXY },
    );

  it("accepts a stack that keeps the client secret only in the connection's options.clientSecret", async () => {
    const fn = proxyFunction({ TIKTOK_CLIENT_KEY: CLIENT_KEY, PROXY_SHARED_SECRET: SHARED_SECRET });
    expect(await stackViolations(tiktokClientSecretOnlyInConnection, [connection, fn])).toEqual([]);
  });

  it("rejects a copy in a Lambda environment variable, and never prints the secret", async () => {
    const fn = proxyFunction({ TIKTOK_CLIENT_SECRET: CLIENT_SECRET });
    const violations = await stackViolations(tiktokClientSecretOnlyInConnection, [connection, fn]);
    expect(violations).toEqual([
      {
        message: expect.stringMatching(
          /^environment\.variables\.TIKTOK_CLIENT_SECRET of aws:lambda\/function:Function "token-proxy-function" contains the TikTok client secret/,
        ),
        urn: fn.urn,
      },
    ]);
    expect(JSON.stringify(violations)).not.toContain(CLIENT_SECRET);
  });

  it("rejects a stack output that contains the secret, even inside a longer string", async () => {
    const stack = stackResource(
      "pulumi:pulumi:Stack",
      { debug: `secret=${CLIENT_SECRET};` },
      { name: "tiktok-auth0-dev" },
    );
    const violations = await stackViolations(tiktokClientSecretOnlyInConnection, [connection, stack]);
    expect(violations.map((v) => v.urn)).toEqual([stack.urn]);
  });

  it("rejects the secret in another field of the connection itself", async () => {
    const leaky = stackResource(
      TYPES.auth0Connection,
      tiktokConnectionProps({ upstreamParams: JSON.stringify({ client_secret: { value: CLIENT_SECRET } }) }),
      { name: "tiktok-connection" },
    );
    const violations = await stackViolations(tiktokClientSecretOnlyInConnection, [leaky]);
    expect(violations).toEqual([
      {
        message: expect.stringMatching(/^options\.upstreamParams of auth0:index\/connection:Connection/),
        urn: leaky.urn,
      },
    ]);
  });
});

describe("auth0-connection-is-protected", () => {
  it("passes the TikTok connection declared with protect", async () => {
    const args = resourceArgs(TYPES.auth0Connection, tiktokConnectionProps(), {
      name: "tiktok-connection",
      protect: true,
    });
    expect(await resourceViolations(auth0ConnectionIsProtected, args)).toEqual([]);
  });

  it("refuses an unprotected connection, naming it and the option that fixes it", async () => {
    const args = resourceArgs(TYPES.auth0Connection, tiktokConnectionProps(), { name: "tiktok-connection" });
    expect(await resourceViolations(auth0ConnectionIsProtected, args)).toEqual([
      {
        message:
          'The Auth0 connection "tiktok-connection" is not protected: deleting or replacing it would delete every user in it. ' +
          "Declare it with the resource option `protect: true`.",
      },
    ]);
  });

  it("refuses any unprotected Auth0 connection, not only TikTok's: every connection holds users", async () => {
    const google = resourceArgs(TYPES.auth0Connection, { name: "google-oauth2", strategy: "google-oauth2" });
    expect(await resourceViolations(auth0ConnectionIsProtected, google)).toHaveLength(1);
  });

  it("ignores resources that hold no users", async () => {
    const logGroup = resourceArgs(TYPES.logGroup, { retentionInDays: 30 });
    expect(await resourceViolations(auth0ConnectionIsProtected, logGroup)).toEqual([]);
  });
});
