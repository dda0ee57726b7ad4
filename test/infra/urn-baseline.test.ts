import * as fs from "node:fs";
import * as path from "node:path";
import { engineUrns, resolveAliases } from "./support/engine-urns";
import {
  NO_OPTIONS,
  PROJECT,
  RecordedResource,
  REQUIRED_CONFIG,
  runProgram,
  SECRET_KEYS,
  STACK,
} from "./support/pulumi-mocks";

/**
 * The URNs a deployed stack of this release holds, with every setting that adds resources
 * (`alarmEmail` adds the SNS topic and its subscription). A change to the resource tree must keep each
 * of them, or reach it through an alias: a URN that disappears is a delete plus a create, and for the
 * connection that would be its users (were it not protected). The list is committed, so any change to
 * it shows in review.
 */

const BASELINE = path.join(__dirname, "fixtures", "urns-baseline.txt");

const VARIANTS: Record<string, Record<string, string>> = {
  defaults: REQUIRED_CONFIG,
  "with alarmEmail": { ...REQUIRED_CONFIG, "tiktok-auth0:alarmEmail": "oncall@example.com" },
};

const LOGIN_URN = `urn:pulumi:${STACK}::${PROJECT}::tiktok-auth0:index:TikTokLogin::tiktok`;
/** What only alarmEmail adds: the defaults never had them. */
const ALARM_EMAIL_ONLY = ["aws:sns/topic:Topic::", "aws:sns/topicSubscription:TopicSubscription::"];

let runs: Record<string, RecordedResource[]>;

beforeAll(async () => {
  runs = {};
  for (const [variant, config] of Object.entries(VARIANTS)) {
    runs[variant] = (await runProgram(config, SECRET_KEYS)).resources;
  }
});

function baseline(): string[] {
  return fs
    .readFileSync(BASELINE, "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"));
}

const resolve = (resources: readonly RecordedResource[]) => resolveAliases(resources, baseline(), STACK, PROJECT);

it("holds the URNs of a stack deployed with the release before the component", () => {
  expect(baseline()).toHaveLength(23);
});

it("reaches every baseline URN, itself or through an alias, and creates only the TikTokLogin component", () => {
  const full = resolve(runs["with alarmEmail"]);
  expect(full.creates).toEqual([LOGIN_URN]);
  expect(full.deletes).toEqual([]);
  // Every resource moved: each old URN is reached through an alias, none is registered as it was.
  expect(full.aliased.size).toBe(baseline().length);

  const defaults = resolve(runs.defaults);
  expect(defaults.creates).toEqual([LOGIN_URN]);
  expect(defaults.deletes).toHaveLength(ALARM_EMAIL_ONLY.length);
  for (const urn of defaults.deletes) expect(ALARM_EMAIL_ONLY.some((type) => urn.includes(type))).toBe(true);
});

it("needs every alias it declares: without any one of them, an old resource would be deleted and a new one created", () => {
  const resources = runs["with alarmEmail"];
  const withAliases = resources.filter((resource) => resource.options.aliases.length > 0);
  // The component's direct children: both secret slots, the proxy, the connection and the monitoring.
  expect(withAliases.map((resource) => resource.name).sort()).toEqual(
    [
      "tiktok",
      "tiktok-proxy-shared-secret-a",
      "tiktok-proxy-shared-secret-b",
      "tiktok-token-proxy",
      "tiktok-token-proxy-monitoring",
    ].sort(),
  );
  for (const dropped of withAliases) {
    const without = resources.map((resource) =>
      resource === dropped ? { ...resource, options: { ...resource.options, aliases: [] } } : resource,
    );
    const result = resolve(without);
    expect({ dropped: dropped.name, lost: result.deletes.length > 0 }).toEqual({ dropped: dropped.name, lost: true });
    expect(result.creates.length).toBeGreaterThan(1);
  }
});

it("computes a child's URN from its parent's whole type chain, not only its last type as the mock monitor does", () => {
  const mock = (type: string, name: string, parent: string): RecordedResource => ({
    type,
    name,
    parent,
    provider: "",
    inputs: {},
    serialized: {},
    options: NO_OPTIONS,
  });
  const root = `urn:pulumi:${STACK}::${PROJECT}::`;
  // What the mock monitor hands out: each parent qualified by its own parent's last type only.
  const resources = [
    mock("x:index:Outer", "outer", ""),
    mock("x:index:Inner", "inner", `${root}x:index:Outer::outer`),
    mock("aws:s3/bucket:Bucket", "b", `${root}x:index:Outer$x:index:Inner::inner`),
  ];
  expect(engineUrns(resources, STACK, PROJECT)).toEqual([
    `${root}x:index:Outer::outer`,
    `${root}x:index:Outer$x:index:Inner::inner`,
    `${root}x:index:Outer$x:index:Inner$aws:s3/bucket:Bucket::b`,
  ]);
});
