import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_NAME } from "../component/provider";
import { TikTokLogin } from "../component/tiktok-login";

/**
 * The package's public API, as callers' SDKs are generated from it: Pulumi's schema inference over
 * component/, the way the plugin answers GetSchema. Committed as component/schema.json, so a change
 * to the API shows up as a diff in review; test/component/schema.test.ts infers it again and compares.
 */
export const COMPONENT_DIR = path.resolve(__dirname, "..", "component");
export const SCHEMA_FILE = path.join(COMPONENT_DIR, "schema.json");

/** The schema as `npm run schema` writes it: two-space JSON and a final newline. */
export async function inferSchema(): Promise<string> {
  const provider = new ComponentProvider({ name: PACKAGE_NAME, dirname: COMPONENT_DIR, components: [TikTokLogin] });
  return `${JSON.stringify(JSON.parse(await provider.getSchema()), null, 2)}\n`;
}

if (require.main === module) {
  inferSchema().then(
    (schema) => {
      fs.writeFileSync(SCHEMA_FILE, schema);
      process.stderr.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`schema inference failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
