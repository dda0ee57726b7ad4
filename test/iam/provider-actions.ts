import type { RecordedResource } from "../infra/support/pulumi-mocks";

/**
 * What the AWS provider (@pulumi/aws 7, built on terraform-provider-aws v6) calls for each resource
 * type and invoke the program declares, by operation: the IAM actions a deploy role needs, and the
 * read half a preview role needs. Read from the provider's sources (internal/service/<service>/
 * <resource>.go: each resource's Create/Read/Update/Delete and its tagging; `source` names the file and
 * functions). A type the program starts to declare that is missing here fails the IAM test, naming the
 * type; so does an input the program starts to declare that `update` does not list.
 *
 * Actions AWS authorizes only against `"Resource": "*"` (the Service Authorization Reference lists
 * no resource type for them) are in {@link RESOURCE_STAR_ONLY}, each with its reason.
 */

export interface TypeActions {
  /** Where the calls below were read: the provider's file and its CRUD functions. */
  source: string;
  create: string[];
  /** Also everything `pulumi refresh` and `pulumi preview --refresh` call. */
  read: string[];
  /**
   * What the provider's Update function calls when an input changes, by the input's Pulumi name.
   * Every input the program declares has an entry (the IAM test names any that has none); `[]` means
   * the provider has no in-place update for it (ForceNew: a change replaces the resource, which
   * create and delete cover). An entry for an input the program leaves out is there because the
   * schema gives it a default: a hand edit of it is a diff, and the next `up` puts the default back.
   */
  update: Record<string, string[]>;
  delete: string[];
  tag: string[];
}

const NONE: TypeActions = { source: "not AWS", create: [], read: [], update: {}, delete: [], tag: [] };

const FUNCTION_CONFIGURATION = ["lambda:UpdateFunctionConfiguration"];

export const ACTIONS_BY_TYPE: Readonly<Record<string, TypeActions>> = {
  "aws:iam/role:Role": {
    source:
      "internal/service/iam/role.go: resourceRoleCreate, resourceRoleRead, resourceRoleUpdate, resourceRoleDelete",
    create: ["iam:CreateRole"],
    read: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"],
    update: {
      assumeRolePolicy: ["iam:UpdateAssumeRolePolicy"],
      // Not iam:UpdateRole: resourceRoleUpdate changes the description with UpdateRoleDescription.
      description: ["iam:UpdateRoleDescription"],
      // Left out by the program; the schema's default is 3600 s, put back with UpdateRole. (A
      // permissions boundary added by hand is removed with DeleteRolePermissionsBoundary, which the
      // deploy role is not given: `up` then stops with AccessDenied instead of removing it.)
      maxSessionDuration: ["iam:UpdateRole"],
      name: [],
      namePrefix: [],
      path: [],
    },
    // Delete removes the role from instance profiles first, and its inline policies.
    delete: ["iam:ListInstanceProfilesForRole", "iam:DeleteRolePolicy", "iam:DeleteRole"],
    tag: ["iam:TagRole", "iam:UntagRole", "iam:ListRoleTags"],
  },
  "aws:iam/rolePolicy:RolePolicy": {
    source:
      "internal/service/iam/role_policy.go: resourceRolePolicyPut (create and update), resourceRolePolicyRead, resourceRolePolicyDelete",
    create: ["iam:PutRolePolicy"],
    read: ["iam:GetRolePolicy"],
    update: { policy: ["iam:PutRolePolicy"], role: [], name: [], namePrefix: [] },
    delete: ["iam:DeleteRolePolicy"],
    tag: [],
  },
  // Both list what the role has on create and on every read, and remove what is not declared on
  // create and update (syncAttachments). They would also put or attach a declared policy that is
  // missing, which never happens here: the one declared inline policy exists before (it is an input),
  // and no managed policy is declared. Delete only forgets: it calls nothing.
  "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive": {
    source:
      "internal/service/iam/role_policies_exclusive.go: Create, Read, Update (syncAttachments), Delete; findRolePoliciesByName",
    create: ["iam:ListRolePolicies", "iam:DeleteRolePolicy"],
    read: ["iam:ListRolePolicies"],
    update: { policyNames: ["iam:ListRolePolicies", "iam:DeleteRolePolicy"], roleName: [] },
    delete: [],
    tag: [],
  },
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": {
    source:
      "internal/service/iam/role_policy_attachments_exclusive.go: Create, Read, Update (syncAttachments), Delete; findRolePolicyAttachmentsByName",
    create: ["iam:ListAttachedRolePolicies", "iam:DetachRolePolicy"],
    read: ["iam:ListAttachedRolePolicies"],
    update: { policyArns: ["iam:ListAttachedRolePolicies", "iam:DetachRolePolicy"], roleName: [] },
    delete: [],
    tag: [],
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    source:
      "internal/service/logs/group.go: resourceGroupCreate, resourceGroupRead, resourceGroupUpdate, resourceGroupDelete",
    create: ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
    read: ["logs:DescribeLogGroups"],
    // A retention of 0 (never expire) is DeleteRetentionPolicy.
    update: { retentionInDays: ["logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy"], name: [] },
    delete: ["logs:DeleteLogGroup"],
    tag: ["logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"],
  },
  "aws:lambda/function:Function": {
    source:
      "internal/service/lambda/function.go: resourceFunctionCreate, resourceFunctionRead, resourceFunctionUpdate, resourceFunctionDelete",
    // iam:PassRole: CreateFunction and UpdateFunctionConfiguration hand the execution role to Lambda.
    create: ["lambda:CreateFunction", "iam:PassRole", "lambda:PutFunctionConcurrency"],
    // Waiters poll GetFunction; Read adds the latest version and the code-signing config.
    read: [
      "lambda:GetFunction",
      "lambda:GetFunctionConfiguration",
      "lambda:ListVersionsByFunction",
      "lambda:GetFunctionCodeSigningConfig",
      "lambda:GetFunctionConcurrency",
    ],
    update: {
      description: FUNCTION_CONFIGURATION,
      environment: FUNCTION_CONFIGURATION,
      handler: FUNCTION_CONFIGURATION,
      loggingConfig: FUNCTION_CONFIGURATION,
      memorySize: FUNCTION_CONFIGURATION,
      runtime: FUNCTION_CONFIGURATION,
      timeout: FUNCTION_CONFIGURATION,
      role: [...FUNCTION_CONFIGURATION, "iam:PassRole"],
      // needsFunctionCodeUpdate: the code and the architectures go through UpdateFunctionCode.
      code: ["lambda:UpdateFunctionCode"],
      architectures: ["lambda:UpdateFunctionCode"],
      // A reservation is PutFunctionConcurrency; none (the default, -1) is DeleteFunctionConcurrency.
      reservedConcurrentExecutions: ["lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency"],
      name: [],
    },
    delete: ["lambda:DeleteFunction"],
    tag: ["lambda:TagResource", "lambda:UntagResource", "lambda:ListTags"],
  },
  "aws:lambda/functionUrl:FunctionUrl": {
    source:
      "internal/service/lambda/function_url.go: resourceFunctionURLCreate, resourceFunctionURLRead, resourceFunctionURLUpdate, resourceFunctionURLDelete",
    // With authorization NONE the provider also adds the public-access statement to the function's policy.
    create: ["lambda:CreateFunctionUrlConfig", "lambda:AddPermission"],
    read: ["lambda:GetFunctionUrlConfig"],
    update: { authorizationType: ["lambda:UpdateFunctionUrlConfig"], functionName: [], qualifier: [] },
    delete: ["lambda:DeleteFunctionUrlConfig"],
    tag: [],
  },
  "aws:lambda/permission:Permission": {
    source:
      "internal/service/lambda/permission.go: resourcePermissionCreate, resourcePermissionRead, resourcePermissionDelete (no Update: every argument is ForceNew)",
    create: ["lambda:AddPermission"],
    read: ["lambda:GetPolicy"],
    update: {
      action: [],
      function: [],
      functionUrlAuthType: [],
      invokedViaFunctionUrl: [],
      principal: [],
      statementId: [],
    },
    delete: ["lambda:RemovePermission"],
    tag: [],
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    source:
      "internal/service/cloudwatch/metric_alarm.go: resourceMetricAlarmCreate, resourceMetricAlarmRead, resourceMetricAlarmUpdate (PutMetricAlarm with the whole alarm), resourceMetricAlarmDelete",
    create: ["cloudwatch:PutMetricAlarm"],
    read: ["cloudwatch:DescribeAlarms"],
    update: {
      ...Object.fromEntries(
        [
          "alarmActions",
          "alarmDescription",
          "comparisonOperator",
          "dimensions",
          "evaluationPeriods",
          "metricName",
          "namespace",
          "okActions",
          "period",
          "statistic",
          "threshold",
          "treatMissingData",
        ].map((input) => [input, ["cloudwatch:PutMetricAlarm"]]),
      ),
      name: [],
    },
    delete: ["cloudwatch:DeleteAlarms"],
    tag: ["cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"],
  },
  "aws:cloudwatch/dashboard:Dashboard": {
    source:
      "internal/service/cloudwatch/dashboard.go: resourceDashboardPut (create and update), resourceDashboardRead, resourceDashboardDelete",
    create: ["cloudwatch:PutDashboard"],
    read: ["cloudwatch:GetDashboard"],
    update: { dashboardBody: ["cloudwatch:PutDashboard"], dashboardName: [] },
    delete: ["cloudwatch:DeleteDashboards"],
    tag: [],
  },
  "aws:sns/topic:Topic": {
    source:
      "internal/service/sns/topic.go: resourceTopicCreate (attributes CreateTopic cannot take go through SetTopicAttributes), resourceTopicRead, resourceTopicUpdate, resourceTopicDelete",
    create: ["sns:CreateTopic", "sns:SetTopicAttributes"],
    read: ["sns:GetTopicAttributes"],
    // The program declares no attribute; the auto-name is ForceNew.
    update: { name: [], namePrefix: [] },
    delete: ["sns:DeleteTopic"],
    tag: ["sns:TagResource", "sns:UntagResource", "sns:ListTagsForResource"],
  },
  "aws:sns/topicSubscription:TopicSubscription": {
    source:
      "internal/service/sns/topic_subscription.go: resourceTopicSubscriptionCreate, resourceTopicSubscriptionRead, resourceTopicSubscriptionUpdate, resourceTopicSubscriptionDelete",
    // An email subscription stays "pending confirmation"; the provider finds it through the topic's list.
    create: ["sns:Subscribe"],
    read: ["sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic"],
    update: {
      endpoint: [],
      protocol: [],
      topic: [],
      // Left out by the program; the schema's default is false, put back with SetSubscriptionAttributes.
      rawMessageDelivery: ["sns:SetSubscriptionAttributes"],
    },
    delete: ["sns:Unsubscribe"],
    tag: [],
  },
  // Not AWS: Auth0's Management API (its own credentials) and Pulumi's random provider (local).
  "auth0:index/connection:Connection": NONE,
  "auth0:index/connectionClients:ConnectionClients": NONE,
  "auth0:index/connectionClient:ConnectionClient": NONE,
  "random:index/randomPassword:RandomPassword": NONE,
  "random:index/randomId:RandomId": NONE,
};

/**
 * Invokes (data sources). getRegion and getPartition are answered from the provider's own region
 * and partition tables, with no AWS call (internal/service/meta/region_data_source.go).
 * getCallerIdentity calls sts:GetCallerIdentity, which AWS never denies: "No permissions are
 * required to perform this operation" (STS API reference, GetCallerIdentity). The provider itself
 * calls it once at start-up, for the account ID.
 */
export const ACTIONS_BY_INVOKE: Readonly<Record<string, string[]>> = {
  "aws:index/getRegion:getRegion": [],
  "aws:index/getPartition:getPartition": [],
  "aws:index/getCallerIdentity:getCallerIdentity": [],
  // Not AWS: reads the live connection (by name, or by ID to adopt) through the Auth0 Management API.
  "auth0:index/getConnection:getConnection": [],
};

/**
 * Actions AWS authorizes only with `"Resource": "*"`: the Service Authorization Reference lists no
 * resource type for them, so a statement with any ARN never matches them.
 */
export const RESOURCE_STAR_ONLY: Readonly<Record<string, string>> = {
  "logs:DescribeLogGroups":
    "List action without resource-level permissions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html)",
  "sns:GetSubscriptionAttributes":
    "No resource type for subscriptions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html)",
  "sns:SetSubscriptionAttributes":
    "No resource type for subscriptions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html)",
  "sns:Unsubscribe":
    "No resource type for subscriptions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html)",
};

/** The program's own ComponentResources (`tiktok-auth0:index:*`) group children; no provider acts on them. */
export function isComponent(type: string): boolean {
  return type.split(":")[0] === "tiktok-auth0";
}

export function updateActions(actions: TypeActions): string[] {
  return [...new Set(Object.values(actions.update).flat())];
}

export function allActions(actions: TypeActions): string[] {
  return [
    ...new Set([...actions.create, ...actions.read, ...updateActions(actions), ...actions.delete, ...actions.tag]),
  ];
}

/** Read actions: what `pulumi preview --refresh` needs, and all a preview role may do. */
export function readActions(actions: TypeActions): string[] {
  const reads = [...actions.read, ...actions.tag.filter((action) => /:(List|Get|Describe)/.test(action))];
  return [...new Set(reads)];
}

/**
 * Pulumi's auto-name: the resource's name plus a dash and 7 random hex characters. The suffix is
 * fixed here so the ARNs are deterministic.
 */
export function autoName(resourceName: string): string {
  return `${resourceName}-a1b2c3d`;
}

/**
 * What `action` on `resource` is authorized against: "*" for the actions in
 * {@link RESOURCE_STAR_ONLY}; for iam:PassRole, the role handed to the function; otherwise the
 * resource's own ARN(s).
 */
export function targetsOf(
  action: string,
  resource: RecordedResource,
  all: readonly RecordedResource[],
  account: string,
  region: string,
): string[] {
  if (action in RESOURCE_STAR_ONLY) return ["*"];
  if (action === "iam:PassRole") {
    // `role` is the role's ARN; the mock's ARN ends with the role's resource name.
    const roleArn = resource.inputs.role;
    const role = all.find(
      (r) => r.type === "aws:iam/role:Role" && typeof roleArn === "string" && roleArn.endsWith(`:role/${r.name}`),
    );
    if (role === undefined) throw new Error(`${resource.type} ${resource.name} is given an unknown role`);
    return arnsOf(role, all, account, region);
  }
  return arnsOf(resource, all, account, region);
}

/** What the actions of `resource` are authorized against: its ARN(s), in `account` and `region`. */
export function arnsOf(
  resource: RecordedResource,
  all: readonly RecordedResource[],
  account: string,
  region: string,
): string[] {
  const input = (key: string): string => {
    const value = resource.inputs[key];
    if (typeof value !== "string" || value === "") throw new Error(`${resource.type} ${resource.name} has no ${key}`);
    return value;
  };
  const functionArn = (name: string) => `arn:aws:lambda:${region}:${account}:function:${name}`;
  switch (resource.type) {
    case "aws:iam/role:Role":
      return [`arn:aws:iam::${account}:role/${autoName(resource.name)}`];
    case "aws:iam/rolePolicy:RolePolicy": {
      // `role` is the role's ID, which for IAM roles is its name; the mock's ID is `<name>-id`.
      const role = all.find((r) => r.type === "aws:iam/role:Role" && `${r.name}-id` === input("role"));
      if (role === undefined) throw new Error(`RolePolicy ${resource.name} is attached to an unknown role`);
      return [`arn:aws:iam::${account}:role/${autoName(role.name)}`];
    }
    case "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive":
    case "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": {
      // `roleName` is the role's name output; the mock's is the role's resource name.
      const role = all.find((r) => r.type === "aws:iam/role:Role" && r.name === input("roleName"));
      if (role === undefined) throw new Error(`${resource.type} ${resource.name} names an unknown role`);
      return [`arn:aws:iam::${account}:role/${autoName(role.name)}`];
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      const base = `arn:aws:logs:${region}:${account}:log-group:${input("name")}`;
      return [base, `${base}:*`];
    }
    case "aws:lambda/function:Function":
      return [functionArn(input("name"))];
    case "aws:lambda/functionUrl:FunctionUrl":
      return [functionArn(input("functionName"))];
    case "aws:lambda/permission:Permission":
      return [functionArn(input("function"))];
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return [`arn:aws:cloudwatch:${region}:${account}:alarm:${input("name")}`];
    case "aws:cloudwatch/dashboard:Dashboard":
      return [`arn:aws:cloudwatch::${account}:dashboard/${input("dashboardName")}`];
    case "aws:sns/topic:Topic":
      return [`arn:aws:sns:${region}:${account}:${autoName(resource.name)}`];
    case "aws:sns/topicSubscription:TopicSubscription": {
      const topic = all.find((r) => r.type === "aws:sns/topic:Topic" && input("topic").endsWith(`:${r.name}`));
      if (topic === undefined) throw new Error(`TopicSubscription ${resource.name} subscribes to an unknown topic`);
      return [`arn:aws:sns:${region}:${account}:${autoName(topic.name)}`];
    }
    default:
      return [];
  }
}
