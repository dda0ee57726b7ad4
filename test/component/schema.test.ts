import * as fs from "node:fs";
import { inferSchema, SCHEMA_FILE } from "../../scripts/schema";

/**
 * The committed schema is the package's reviewed contract: every caller's SDK is generated from what
 * the plugin infers. Inferred again here, so an API change that was not committed fails.
 */

interface Schema {
  name: string;
  version: string;
  resources: Record<string, { inputProperties: Record<string, unknown>; requiredInputs: string[] }>;
}

let inferred: string;

beforeAll(async () => {
  inferred = await inferSchema();
}, 60_000);

it("is what Pulumi's schema inference makes of component/ today (on failure: npm run schema, and review the diff)", () => {
  expect(inferred).toBe(fs.readFileSync(SCHEMA_FILE, "utf8"));
});

it("serves TikTokLogin under the frozen package name, at the release's version", () => {
  const schema = JSON.parse(inferred) as Schema;
  const { version } = JSON.parse(fs.readFileSync(require.resolve("../../component/package.json"), "utf8")) as {
    version: string;
  };
  expect({ name: schema.name, version: schema.version, resources: Object.keys(schema.resources) }).toEqual({
    name: "tiktok-auth0",
    version,
    resources: ["tiktok-auth0:index:TikTokLogin"],
  });
  expect(schema.resources["tiktok-auth0:index:TikTokLogin"].requiredInputs).toEqual([
    "tiktokClientKey",
    "tiktokClientSecret",
  ]);
});

it("has no description mangled by a JSDoc link, which inference turns into [object Object]", () => {
  expect(inferred).not.toContain("[object Object]");
});
