import * as fs from "node:fs";
import * as path from "node:path";
import { engineUrns } from "./support/engine-urns";
import { PROJECT, RecordedResource, REQUIRED_CONFIG, runProgram, SECRET_KEYS, STACK } from "./support/pulumi-mocks";

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

async function registeredUrns(): Promise<string[]> {
  const urns = new Set<string>();
  for (const config of Object.values(VARIANTS)) {
    const run = await runProgram(config, SECRET_KEYS);
    for (const urn of engineUrns(run.resources, STACK, PROJECT)) urns.add(urn);
  }
  return [...urns].sort();
}

function baseline(): string[] {
  return fs
    .readFileSync(BASELINE, "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"));
}

it("registers exactly the committed URN baseline, computed as the engine computes URNs", async () => {
  expect(await registeredUrns()).toEqual(baseline());
});

it("computes a child's URN from its parent's whole type chain, not only its last type as the mock monitor does", () => {
  const mock = (type: string, name: string, parent: string): RecordedResource => ({
    type,
    name,
    parent,
    inputs: {},
    serialized: {},
    options: { protect: false, importId: "", dependencies: [], propertyDependencies: {} },
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
