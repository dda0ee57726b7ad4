import * as fs from "node:fs";
import * as path from "node:path";
import { inputsFingerprint } from "./support/comparable-inputs";
import { engineUrns, resolveAliases } from "./support/engine-urns";
import {
  mockRandomPassword,
  PROJECT,
  RecordedResource,
  REQUIRED_CONFIG,
  runProgram,
  SECRET_KEYS,
  STACK,
} from "./support/pulumi-mocks";

/**
 * Beside the URNs (urn-baseline.test.ts), an upgrade must keep each resource's inputs: a moved resource
 * whose inputs differ is updated by the first `pulumi up` after the upgrade, and for the connection
 * that is a PATCH of its whole `options` in production. The fingerprints of the release before the
 * component are committed; each resource that takes one of those URNs over must match it.
 */

const BASELINE = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "inputs-baseline.json"), "utf8")) as {
  fingerprints: Record<string, string>;
};

/** The fixture's passwords, as the mocks derived them from the old resources' names. */
const PASSWORDS = {
  [mockRandomPassword("proxy-shared-secret-a")]: "<slot a>",
  [mockRandomPassword("proxy-shared-secret-b")]: "<slot b>",
};
const CONFIG = { ...REQUIRED_CONFIG, "tiktok-auth0:alarmEmail": "oncall@example.com" };
const OLD_URNS = Object.keys(BASELINE.fingerprints);

let resources: RecordedResource[];

beforeAll(async () => {
  // First, which old resource each new one takes over; then the run again, with each of those given
  // the old resource's outputs (IDs, ARNs, passwords), as the engine gives them from state.
  const first = (await runProgram(CONFIG, SECRET_KEYS)).resources;
  const firstUrns = engineUrns(first, STACK, PROJECT);
  const { aliased } = resolveAliases(first, OLD_URNS, STACK, PROJECT);
  const stateNames: Record<string, string> = {};
  first.forEach((resource, index) => {
    const old = aliased.get(firstUrns[index]);
    if (old !== undefined) stateNames[resource.name] = old.split("::").slice(3).join("::");
  });
  resources = (await runProgram(CONFIG, SECRET_KEYS, { stateNames })).resources;
});

it("gives every resource that takes over an old URN the inputs the old one had: no update on upgrade", () => {
  const urns = engineUrns(resources, STACK, PROJECT);
  const { aliased } = resolveAliases(resources, OLD_URNS, STACK, PROJECT);
  expect(aliased.size).toBe(OLD_URNS.length);
  const changed = resources.flatMap((resource, index) => {
    const old = aliased.get(urns[index]);
    if (old === undefined) return [];
    return inputsFingerprint(resource.serialized, PASSWORDS) === BASELINE.fingerprints[old] ? [] : [old];
  });
  expect(changed).toEqual([]);
});

it("notices a change to any input, a comment in the uploaded profile script included", () => {
  const connection = resources.find((resource) => resource.type === "auth0:index/connection:Connection");
  if (connection === undefined) throw new Error("no connection registered");
  const options = connection.serialized.options as { scripts: { fetchUserProfile: string } };
  const edited = {
    ...connection.serialized,
    options: {
      ...options,
      scripts: { fetchUserProfile: options.scripts.fetchUserProfile.replace("// Auth0 runs", "// Auth0 now runs") },
    },
  };
  expect(inputsFingerprint(edited, PASSWORDS)).not.toBe(inputsFingerprint(connection.serialized, PASSWORDS));
});
