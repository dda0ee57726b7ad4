import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { TOKEN_PATH } from "./proxy-contract";
import type { LambdaRuntime } from "./settings";

/**
 * Lambda's log-level filter (it applies to the JSON log format only). The proxy logs one line per
 * request through console.info (success), console.warn (refused by the proxy or by TikTok) or
 * console.error (TikTok failing, a bug), so INFO keeps every request; WARN would keep only the
 * failures. System logs at INFO keep the platform's REPORT line (duration, memory, timeouts).
 */
export const PROXY_LOG_LEVELS = { applicationLogLevel: "INFO", systemLogLevel: "INFO" } as const;

/**
 * The proxy as the component deploys it: built from proxy/ by `npm run build` and committed, with its
 * source map beside it (scripts/proxy-bundle.ts says why).
 */
export const LAMBDA_BUNDLE_FILE = path.join(__dirname, "lambda", "index.js");

export interface TokenProxyArgs {
  /** The bundle to deploy (one CJS file exporting `handler`, its `.map` beside it); the committed one by default. */
  bundleFile?: string;
  /** TikTok's `client_key`; the proxy serves no other client. */
  tiktokClientKey: pulumi.Input<string>;
  /**
   * The values the proxy accepts in `x-proxy-secret` (at least one): both secret slots, so Auth0
   * may send either while a rotation is under way. Made secret here whatever the caller passes.
   */
  acceptedSharedSecrets: readonly pulumi.Input<string>[];
  /** Deadline for the whole TikTok exchange; the function's own timeout is derived from it. */
  tiktokTimeoutMs: number;
  runtime: LambdaRuntime;
  memoryMb: number;
  /** `undefined`: no reservation, the function shares the account's unreserved concurrency. */
  reservedConcurrency?: number | undefined;
  logRetentionDays: number;
  /** Defaults to `<project>-<stack>-token-proxy`, made a valid Lambda function name. */
  functionName?: string;
}

/**
 * The TikTok token proxy: a Lambda function behind a public function URL, with its own log group
 * and a role that may only write to it.
 */
export class TokenProxy extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly logGroup: aws.cloudwatch.LogGroup;
  public readonly logPolicy: aws.iam.RolePolicy;
  /**
   * The role's inline policies are exactly `logPolicy`, and it has no managed policy: one added by
   * hand is seen on refresh and removed by the next `up`, where the role alone would never notice it.
   */
  public readonly onlyLogPolicy: aws.iam.RolePoliciesExclusive;
  public readonly noManagedPolicies: aws.iam.RolePolicyAttachmentsExclusive;
  public readonly function: aws.lambda.Function;
  public readonly functionUrl: aws.lambda.FunctionUrl;
  /** `lambda:InvokeFunctionUrl` for anyone, only through a URL whose auth type is NONE. */
  public readonly publicUrlPermission: aws.lambda.Permission;
  /** `lambda:InvokeFunction` for anyone, only when invoked through the function URL. */
  public readonly invokeViaUrlPermission: aws.lambda.Permission;
  /** The Token URL for Auth0: the function URL followed by `proxy/token`. */
  public readonly tokenUrl: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: TokenProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tiktok-auth0:index:TokenProxy", name, {}, opts);

    const bundleFile = args.bundleFile ?? LAMBDA_BUNDLE_FILE;
    if (!fs.existsSync(bundleFile) || !fs.existsSync(`${bundleFile}.map`)) {
      throw new Error(
        `TokenProxy: the proxy bundle ${bundleFile} (and its .map) does not exist. ` +
          "In a checkout of tiktok-auth0, run `npm run build`.",
      );
    }

    if (args.acceptedSharedSecrets.length === 0) {
      // An empty PROXY_SHARED_SECRET means "no header required": the public URL would relay for anyone.
      throw new Error(
        "TokenProxy: acceptedSharedSecrets is empty, which would leave the public function URL open to anyone. " +
          "Pass at least one secret (the program passes both shared-secret slots).",
      );
    }

    const functionName = args.functionName ?? defaultFunctionName(pulumi.getProject(), pulumi.getStack());

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Runs the TikTok token proxy ${functionName}; may only write its own logs.`,
        assumeRolePolicy: JSON.stringify(lambdaAssumeRolePolicy()),
      },
      { parent: this },
    );

    // Created by us, not by Lambda on first invocation, so retention is set and the role needs no
    // logs:CreateLogGroup. The explicit function name breaks the function <-> log group cycle.
    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: logGroupNameFor(functionName), retentionInDays: args.logRetentionDays },
      { parent: this },
    );

    this.logPolicy = new aws.iam.RolePolicy(
      `${name}-logs`,
      {
        role: this.role.id,
        policy: this.logGroup.arn.apply((arn) => JSON.stringify(logWritePolicy(arn))),
      },
      { parent: this },
    );

    // Through logPolicy.name, so this waits for it: created before it, it would find the name
    // missing and put an empty policy under it.
    this.onlyLogPolicy = new aws.iam.RolePoliciesExclusive(
      `${name}-inline-policies`,
      { roleName: this.role.name, policyNames: [this.logPolicy.name] },
      { parent: this },
    );
    this.noManagedPolicies = new aws.iam.RolePolicyAttachmentsExclusive(
      `${name}-managed-policies`,
      { roleName: this.role.name, policyArns: [] },
      { parent: this },
    );

    const environment: Record<string, pulumi.Input<string>> = {
      TIKTOK_CLIENT_KEY: args.tiktokClientKey,
      PROXY_SHARED_SECRET: pulumi.secret(pulumi.all([...args.acceptedSharedSecrets]).apply(sharedSecretsVariable)),
      TIKTOK_TIMEOUT_MS: String(args.tiktokTimeoutMs),
      // Stack traces in CloudWatch point at proxy/*.ts, not at the minified bundle.
      NODE_OPTIONS: "--enable-source-maps",
    };

    this.function = new aws.lambda.Function(
      `${name}-function`,
      {
        name: functionName,
        description: "Translates Auth0's OAuth 2.0 token request for TikTok v2 (client_id -> client_key).",
        role: this.role.arn,
        code: proxyCodeArchive(bundleFile),
        handler: "index.handler",
        runtime: args.runtime,
        architectures: ["arm64"],
        memorySize: args.memoryMb,
        timeout: lambdaTimeoutSeconds(args.tiktokTimeoutMs),
        reservedConcurrentExecutions: args.reservedConcurrency,
        loggingConfig: {
          logFormat: "JSON",
          logGroup: this.logGroup.name,
          ...PROXY_LOG_LEVELS,
        },
        environment: { variables: environment },
      },
      // Without the policy, the first invocations after a deploy could not write their logs.
      { parent: this, dependsOn: [this.logPolicy] },
    );

    this.functionUrl = new aws.lambda.FunctionUrl(
      `${name}-url`,
      // Public on purpose: Auth0 calls it from the internet. The shared secret header is the guard.
      { functionName: this.function.name, authorizationType: "NONE" },
      { parent: this },
    );

    // The provider also adds these two statements when it creates the URL, but outside Pulumi
    // state. Declaring them makes them reviewable and keeps the URL working if the provider stops
    // doing so. Their statement IDs differ from the provider's (FunctionURLAllowPublicAccess,
    // FunctionURLAllowInvokeAction) so the two never collide. deleteBeforeReplace: a replacement
    // on the same function would otherwise reuse a statement ID that still exists. dependsOn the URL:
    // the provider serializes aws_lambda_permission's AddPermission calls per function because
    // parallel calls can drop statements, but the URL's create adds its own statements outside that
    // lock (terraform-provider-aws internal/service/lambda/permission.go and function_url.go).
    this.publicUrlPermission = new aws.lambda.Permission(
      `${name}-public-url`,
      {
        function: this.function.name,
        statementId: "TokenProxyPublicFunctionUrl",
        action: "lambda:InvokeFunctionUrl",
        principal: "*",
        functionUrlAuthType: "NONE",
      },
      { parent: this, deleteBeforeReplace: true, dependsOn: [this.functionUrl] },
    );
    this.invokeViaUrlPermission = new aws.lambda.Permission(
      `${name}-invoke-via-url`,
      {
        function: this.function.name,
        statementId: "TokenProxyInvokeViaFunctionUrl",
        action: "lambda:InvokeFunction",
        principal: "*",
        // Never drop this flag: without it, anyone could invoke the function directly.
        invokedViaFunctionUrl: true,
      },
      { parent: this, deleteBeforeReplace: true, dependsOn: [this.functionUrl] },
    );

    // Depends on both permissions, so Auth0 is only pointed at a URL that already answers.
    this.tokenUrl = pulumi
      .all([this.functionUrl.functionUrl, this.publicUrlPermission.id, this.invokeViaUrlPermission.id])
      .apply(([functionUrl]) => tokenUrlFromFunctionUrl(functionUrl));
    this.functionName = this.function.name;
    this.logGroupName = this.logGroup.name;

    this.registerOutputs({
      tokenUrl: this.tokenUrl,
      functionName: this.functionName,
      logGroupName: this.logGroupName,
    });
  }
}

const LAMBDA_NAME_MAX_LENGTH = 64;

/**
 * `<project>-<stack>-<suffix>`, with characters Lambda rejects replaced by `-`. A name too long for
 * Lambda is shortened and suffixed with a hash of the full name, so it stays unique per stack. The
 * component's suffix is its own name, so two instances in one stack never share a function.
 */
export function defaultFunctionName(project: string, stack: string, suffix = "token-proxy"): string {
  const wanted = `${project}-${stack}-${suffix}`.replace(/[^A-Za-z0-9_-]/g, "-");
  if (wanted.length <= LAMBDA_NAME_MAX_LENGTH) return wanted;
  const hash = createHash("sha256").update(wanted).digest("hex").slice(0, 8);
  return `${wanted.slice(0, LAMBDA_NAME_MAX_LENGTH - hash.length - 1)}-${hash}`;
}

/** Where Lambda writes a function's logs unless told otherwise; we create it ourselves. */
export function logGroupNameFor(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** A whole second above TikTok's deadline plus headroom, so the proxy always answers before Lambda kills it. */
export function lambdaTimeoutSeconds(tiktokTimeoutMs: number): number {
  return Math.ceil(tiktokTimeoutMs / 1000) + 3;
}

/** Only Lambda may assume the role. */
export function lambdaAssumeRolePolicy() {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  };
}

/** Writing to the function's own log group, and nothing else. */
export function logWritePolicy(logGroupArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logGroupArn}:*`,
      },
    ],
  };
}

/** The bundle and its source map, at the paths `index.handler` and `--enable-source-maps` expect. */
export function proxyCodeArchive(bundleFile: string): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.FileAsset(bundleFile),
    "index.js.map": new pulumi.asset.FileAsset(`${bundleFile}.map`),
  });
}

/**
 * PROXY_SHARED_SECRET for a list of accepted secrets: comma-joined, in the order given, which the
 * proxy reads back as the same list (proxy/config.ts). The order is part of the value, so callers
 * keep it fixed: switching which secret Auth0 sends must not change the Lambda's environment.
 */
export function sharedSecretsVariable(secrets: readonly string[]): string {
  secrets.forEach((secret, index) => {
    // Never printing the value: this message reaches `pulumi up`'s output.
    if (secret === "" || secret.includes(",") || secret.trim() !== secret) {
      throw new Error(
        `TokenProxy: acceptedSharedSecrets[${index}] is empty, contains a comma, or starts or ends with whitespace, ` +
          "so the proxy could not read it back from the comma-separated PROXY_SHARED_SECRET. Use letters and digits only.",
      );
    }
  });
  if (secrets.length === 0) throw new Error("TokenProxy: acceptedSharedSecrets is empty.");
  return secrets.join(",");
}

/** Function URLs end with "/"; joining tolerates either form so the result never has "//". */
export function tokenUrlFromFunctionUrl(functionUrl: string): string {
  return `${functionUrl.replace(/\/+$/, "")}${TOKEN_PATH}`;
}
