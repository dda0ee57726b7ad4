import fs from "node:fs";
import path from "node:path";
import { defaultFunctionName, logGroupNameFor } from "../../component/token-proxy";
import {
  MOCK_ACCOUNT,
  MOCK_REGION,
  PROJECT,
  RecordedResource,
  Recorder,
  REQUIRED_CONFIG,
  runProgram,
  SECRET_KEYS,
} from "../infra/support/pulumi-mocks";
import { actionsOf, allows, IAM_DIR, listOf, loadPolicy, PolicyDocument } from "./iam-policy";
import {
  ACTIONS_BY_INVOKE,
  ACTIONS_BY_TYPE,
  allActions,
  isComponent,
  readActions,
  RESOURCE_STAR_ONLY,
  targetsOf,
} from "./provider-actions";

/**
 * The shipped IAM policies (iam/*.json) against what the program declares: the program runs under
 * the recording mocks with every optional resource switched on, and each declared resource's IAM
 * actions (provider-actions.ts) must be allowed on that resource's own ARN, by the deploy role for
 * every operation and by the preview role for reads, and nothing more.
 */

const PASS_ROLE_CONTEXT = { "iam:PassedToService": "lambda.amazonaws.com" };
const placeholders = { ACCOUNT_ID: MOCK_ACCOUNT };

let run: Recorder;
let deploy: PolicyDocument;
let preview: PolicyDocument;

beforeAll(async () => {
  run = await runProgram(
    {
      ...REQUIRED_CONFIG,
      "tiktok-auth0:enabledClients": JSON.stringify(["appClientId"]),
      // Every optional resource: the alarm topic and its subscription, reserved concurrency.
      "tiktok-auth0:alarmEmail": "oncall@example.com",
      "tiktok-auth0:reservedConcurrency": "5",
    },
    SECRET_KEYS,
  );
  deploy = loadPolicy("deploy-role-policy.json", placeholders);
  preview = loadPolicy("preview-role-policy.json", placeholders);
});

const awsResources = () => run.resources.filter((resource) => resource.type.startsWith("aws:"));

/** "action on arn" for each action of `pick` that `policy` does not allow on the resource it acts on. */
function missing(policy: PolicyDocument, pick: (type: string) => string[]): string[] {
  const gaps: string[] = [];
  for (const resource of run.resources.filter((r) => !isComponent(r.type))) {
    for (const action of pick(resource.type)) {
      for (const arn of targetsOf(action, resource, run.resources, MOCK_ACCOUNT, MOCK_REGION)) {
        const context = action === "iam:PassRole" ? PASS_ROLE_CONTEXT : {};
        if (!allows(policy, action, arn, context)) gaps.push(`${action} on ${arn} (${resource.type} ${resource.name})`);
      }
    }
  }
  return gaps;
}

const declaredTypes = () => [
  ...new Set(run.resources.map((resource: RecordedResource) => resource.type).filter((type) => !isComponent(type))),
];
const needed = (pick: (type: string) => string[]) => new Set(declaredTypes().flatMap(pick));
// An unknown type contributes nothing here; the first test names it.
const everyAction = (type: string) => (type in ACTIONS_BY_TYPE ? allActions(ACTIONS_BY_TYPE[type]) : []);
const reads = (type: string) => (type in ACTIONS_BY_TYPE ? readActions(ACTIONS_BY_TYPE[type]) : []);

describe("the IAM actions of the program", () => {
  it("are known for every resource type and invoke it declares", () => {
    expect(awsResources().length).toBeGreaterThan(10);
    expect(declaredTypes().filter((type) => !(type in ACTIONS_BY_TYPE))).toEqual([]);
    expect(run.calls.length).toBeGreaterThan(0);
    expect([...new Set(run.calls)].filter((token) => !(token in ACTIONS_BY_INVOKE))).toEqual([]);
  });
});

describe("the AWS provider's update calls", () => {
  it("are known for every input the program declares, so a new input cannot skip the question", () => {
    const unknown = awsResources().flatMap((resource) =>
      Object.keys(resource.inputs)
        .filter((input) => !(input in (ACTIONS_BY_TYPE[resource.type]?.update ?? {})))
        .map((input) => `${resource.type} ${input}`),
    );
    expect([...new Set(unknown)]).toEqual([]);
  });
});

describe("the deploy role's policy", () => {
  it("allows every action needed to create, read, update, delete and tag each declared resource, on its ARN", () => {
    expect(missing(deploy, everyAction)).toEqual([]);
  });

  it("allows what the provider's update calls for each input the program declares, on the resource's ARN", () => {
    const gaps: string[] = [];
    for (const resource of awsResources()) {
      const byInput = ACTIONS_BY_TYPE[resource.type]?.update ?? {};
      for (const [input, actions] of Object.entries(byInput)) {
        for (const action of actions) {
          for (const arn of targetsOf(action, resource, run.resources, MOCK_ACCOUNT, MOCK_REGION)) {
            const context = action === "iam:PassRole" ? PASS_ROLE_CONTEXT : {};
            if (!allows(deploy, action, arn, context))
              gaps.push(`${action} to update ${input} of ${resource.name} on ${arn}`);
          }
        }
      }
    }
    expect(gaps).toEqual([]);
  });

  it("allows no action the program does not need", () => {
    const wanted = needed(everyAction);
    expect([...new Set(actionsOf(deploy))].filter((action) => !wanted.has(action))).toEqual([]);
  });

  it("reaches only this project's resources, and passes the proxy's role to Lambda only", () => {
    const arn = (service: string, rest: string) => `arn:aws:${service}:${MOCK_REGION}:${MOCK_ACCOUNT}:${rest}`;
    expect(allows(deploy, "lambda:UpdateFunctionCode", arn("lambda", "function:payments-api"))).toBe(false);
    expect(allows(deploy, "lambda:AddPermission", arn("lambda", "function:payments-api"))).toBe(false);
    expect(allows(deploy, "logs:DeleteLogGroup", arn("logs", "log-group:/aws/lambda/payments-api"))).toBe(false);
    expect(allows(deploy, "iam:PutRolePolicy", `arn:aws:iam::${MOCK_ACCOUNT}:role/admin`)).toBe(false);
    expect(allows(deploy, "cloudwatch:DeleteAlarms", arn("cloudwatch", "alarm:payments-errors"))).toBe(false);
    const proxyRole = `arn:aws:iam::${MOCK_ACCOUNT}:role/token-proxy-role-a1b2c3d`;
    expect(allows(deploy, "iam:PassRole", proxyRole, PASS_ROLE_CONTEXT)).toBe(true);
    expect(allows(deploy, "iam:PassRole", proxyRole, { "iam:PassedToService": "ec2.amazonaws.com" })).toBe(false);
    expect(allows(deploy, "iam:PassRole", proxyRole)).toBe(false);
  });

  it.each(["staging", "prod", "prod-eu", "a-stack-name-long-enough-to-be-shortened-with-a-hash"])(
    "covers the function, log group, alarms and dashboard of a stack named %s",
    (stack) => {
      const fn = defaultFunctionName(PROJECT, stack);
      const logGroup = `arn:aws:logs:eu-west-1:${MOCK_ACCOUNT}:log-group:${logGroupNameFor(fn)}`;
      expect(
        allows(deploy, "lambda:UpdateFunctionCode", `arn:aws:lambda:eu-west-1:${MOCK_ACCOUNT}:function:${fn}`),
      ).toBe(true);
      expect(allows(deploy, "logs:PutRetentionPolicy", logGroup)).toBe(true);
      expect(allows(deploy, "logs:PutRetentionPolicy", `${logGroup}:*`)).toBe(true);
      expect(
        allows(deploy, "cloudwatch:PutMetricAlarm", `arn:aws:cloudwatch:eu-west-1:${MOCK_ACCOUNT}:alarm:${fn}-errors`),
      ).toBe(true);
      expect(allows(deploy, "cloudwatch:PutDashboard", `arn:aws:cloudwatch::${MOCK_ACCOUNT}:dashboard/${fn}`)).toBe(
        true,
      );
    },
  );
});

describe("the preview role's policy", () => {
  it("allows every read a refreshed preview makes of each declared resource, on its ARN", () => {
    expect(missing(preview, reads)).toEqual([]);
  });

  it("allows reads only: nothing that creates, changes, tags or deletes", () => {
    const wanted = needed(reads);
    const actions = [...new Set(actionsOf(preview))];
    expect(actions.filter((action) => !wanted.has(action))).toEqual([]);
    expect(actions.filter((action) => !/^[a-z0-9-]+:(Get|List|Describe)[A-Za-z]+$/.test(action))).toEqual([]);
    expect(
      allows(preview, "iam:PassRole", `arn:aws:iam::${MOCK_ACCOUNT}:role/token-proxy-role-a1b2c3d`, PASS_ROLE_CONTEXT),
    ).toBe(false);
  });
});

describe.each(["deploy-role-policy.json", "preview-role-policy.json"])("%s", (file) => {
  const policy = () => loadPolicy(file, placeholders);

  it("names no action with a wildcard, and no NotAction or NotResource", () => {
    for (const statement of policy().Statement) {
      expect(statement.NotAction).toBeUndefined();
      expect(statement.NotResource).toBeUndefined();
      expect(listOf(statement.Action).filter((action) => action.includes("*") || action.includes("?"))).toEqual([]);
    }
  });

  it('uses "Resource": "*" only for actions AWS authorizes against * alone, in statements of their own', () => {
    for (const statement of policy().Statement) {
      if (!listOf(statement.Resource).includes("*")) continue;
      expect({ sid: statement.Sid, resource: statement.Resource }).toEqual({ sid: statement.Sid, resource: "*" });
      expect(listOf(statement.Action).filter((action) => !(action in RESOURCE_STAR_ONLY))).toEqual([]);
    }
  });

  it("holds the account as the ACCOUNT_ID placeholder, never a real account", () => {
    const text = fs.readFileSync(path.join(IAM_DIR, file), "utf8");
    expect(text).toContain("ACCOUNT_ID");
    expect(text).not.toMatch(/\d{12}/);
  });
});

describe('the exceptions for "Resource": "*"', () => {
  it("are each needed by a declared resource, so none outlives its reason", () => {
    const wanted = needed(everyAction);
    expect(Object.keys(RESOURCE_STAR_ONLY).filter((action) => !wanted.has(action))).toEqual([]);
  });
});

describe("the GitHub OIDC trust policy", () => {
  it("lets only one GitHub Environment of one repository assume the role, with the STS audience", () => {
    const trust = loadPolicy("github-oidc-trust-policy.json", {
      ACCOUNT_ID: MOCK_ACCOUNT,
      "OWNER/REPO": "acme/tiktok-auth0",
      ENVIRONMENT: "prod",
    });
    expect(trust.Statement).toEqual([
      {
        Sid: expect.any(String),
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
        Action: "sts:AssumeRoleWithWebIdentity",
        // StringEquals, never StringLike: no wildcard can widen the subject to other branches or environments.
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:acme/tiktok-auth0:environment:prod",
          },
        },
      },
    ]);
  });
});
