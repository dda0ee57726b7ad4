import * as fs from "node:fs";
import * as path from "node:path";
import { engineUrns } from "./support/engine-urns";
import { PROJECT, REQUIRED_CONFIG, runProgram, SECRET_KEYS, STACK } from "./support/pulumi-mocks";

/**
 * The docs hand operators URNs to paste into `pulumi up --replace` and `--target` (rotating the shared
 * secret, retiring the connection). A URN that no longer exists makes those commands fail, or worse,
 * target nothing: each documented URN must be one the reference stack registers, as the engine names it.
 */

const ROOT = path.resolve(__dirname, "../..");
const DOCUMENTED = ["README.md", "docs/operations.md", "docs/deploying.md", "docs/adopting.md"];

function documentedUrns(): { file: string; urn: string }[] {
  return DOCUMENTED.filter((file) => fs.existsSync(path.join(ROOT, file))).flatMap((file) =>
    [...fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/urn:pulumi:<stack>::tiktok-auth0::[^\s'"`)]+/g)].map(
      (match) => ({ file, urn: match[0] }),
    ),
  );
}

it("names only URNs the reference stack registers", async () => {
  const run = await runProgram({ ...REQUIRED_CONFIG, "tiktok-auth0:alarmEmail": "oncall@example.com" }, SECRET_KEYS);
  const registered = new Set(engineUrns(run.resources, STACK, PROJECT));
  const documented = documentedUrns();
  // The rotation's --replace, and the connection and user-id pin of the retirement procedure.
  expect(documented.length).toBeGreaterThanOrEqual(3);
  const unknown = documented.filter(({ urn }) => !registered.has(urn.replace("<stack>", STACK)));
  expect(unknown).toEqual([]);
});
