import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AUTH0_DOMAIN_EXAMPLE, CLIENT_KEY_PLACEHOLDER } from "../../infra/config";
import { checkStacks, EXIT } from "../../scripts/check-stacks";
import { checkStackFile } from "../../scripts/stack-files";

const REPO_ROOT = path.resolve(__dirname, "../..");

/** A stack file filled in the way the deploy docs ask: real tenant, client key and applications. */
const FILLED = [
  "config:",
  "  aws:region: eu-west-1",
  "  auth0:domain: acme-dev.eu.auth0.com",
  "  tiktok-auth0:tiktokClientKey: awk3y9examplekey",
  "  tiktok-auth0:tiktokClientSecret:",
  "    secure: v1:abcdEFGH:ijklMNOP==",
  "  tiktok-auth0:enabledClients:",
  "    - Xy12AbCdEfGhIjKlMnOpQrStUvWxYz34",
  "",
].join("\n");

/** A scratch project with the given stack files, next to a Pulumi.yaml. */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-files-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: tiktok-auth0\nruntime: nodejs\n");
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

const withLine = (line: string) => FILLED.replace("config:\n", `config:\n  ${line}\n`);

describe("checkStackFile", () => {
  it("accepts a filled-in stack file, with YAML lists and numbers as Pulumi hands them to the program", () => {
    const report = checkStackFile("Pulumi.dev.yaml", withLine("tiktok-auth0:lambdaMemoryMb: 512"));
    expect(report).toEqual({
      file: "Pulumi.dev.yaml",
      status: "configured",
      mistakes: [],
      notConfigured: [],
    });
  });

  it("names the file, the mistyped key and the fix", () => {
    const report = checkStackFile("Pulumi.staging.yaml", withLine('tiktok-auth0:enableClients: ["abc"]'));
    expect(report.status).toBe("mistakes");
    expect(report.mistakes).toEqual([
      expect.stringMatching(
        /^Pulumi\.staging\.yaml: tiktok-auth0:enableClients is not a setting of this program \(a typo\?\).*`pulumi config rm enableClients`/,
      ),
    ]);
  });

  it("refuses scopes without user.info.basic, and an invalid connection name", () => {
    const report = checkStackFile(
      "Pulumi.dev.yaml",
      FILLED + "  tiktok-auth0:scopes:\n    - user.info.profile\n  tiktok-auth0:connectionName: Tik_Tok\n",
    );
    expect(report.mistakes).toEqual([
      expect.stringContaining("Pulumi.dev.yaml: tiktok-auth0:connectionName must be"),
      expect.stringContaining("Pulumi.dev.yaml: tiktok-auth0:scopes must include user.info.basic"),
    ]);
  });

  it("reports the example placeholders and a missing secret as not configured yet, not as mistakes", () => {
    const example = [
      "config:",
      "  auth0:domain: your-tenant.us.auth0.com",
      "  tiktok-auth0:tiktokClientKey: <client key from TikTok for Developers>",
      "  tiktok-auth0:enabledClients: []",
    ].join("\n");
    const report = checkStackFile("Pulumi.prod.yaml", example);
    expect(report.status).toBe("not-configured");
    expect(report.mistakes).toEqual([]);
    expect(report.notConfigured).toEqual([
      expect.stringMatching(/^Pulumi\.prod\.yaml: tiktok-auth0:tiktokClientKey is still the placeholder/),
      expect.stringMatching(/^Pulumi\.prod\.yaml: tiktok-auth0:tiktokClientSecret is required/),
      expect.stringMatching(/^Pulumi\.prod\.yaml: auth0:domain is still the example tenant/),
    ]);
  });

  it("reports a mistake even in a file that is not configured yet", () => {
    const report = checkStackFile("Pulumi.dev.yaml", "config:\n  tiktok-auth0:runtime: nodejs20.x\n");
    expect(report.status).toBe("mistakes");
    expect(report.mistakes).toEqual([
      expect.stringContaining("tiktok-auth0:runtime must be one of nodejs22.x, nodejs24.x"),
    ]);
  });

  it("takes a missing value from a Pulumi ESC environment on trust, and still checks what the file sets", () => {
    const esc = "environment:\n  - tiktok-auth0/prod\nconfig:\n  tiktok-auth0:logRetentionDays: 31\n";
    expect(checkStackFile("Pulumi.prod.yaml", esc)).toMatchObject({
      status: "mistakes",
      notConfigured: [],
      mistakes: [
        expect.stringContaining("tiktok-auth0:logRetentionDays must be one of CloudWatch's retention periods"),
      ],
    });
    expect(checkStackFile("Pulumi.prod.yaml", "environment:\n  - tiktok-auth0/prod\n").status).toBe("configured");
  });

  it("counts an encrypted value of a plain setting as set, since only the CLI can read it", () => {
    const report = checkStackFile(
      "Pulumi.dev.yaml",
      FILLED.replace(
        "tiktok-auth0:tiktokClientKey: awk3y9examplekey",
        "tiktok-auth0:tiktokClientKey:\n    secure: v1:x:y==",
      ),
    );
    expect(report.status).toBe("configured");
  });

  it("refuses a namespace this program does not read, as the mistyped key it almost always is", () => {
    // A note would let the real key count as unset: the stack would quietly stop being deployed.
    const report = checkStackFile("Pulumi.dev.yaml", withLine("tiktok_auth0:alarmEmail: oncall@example.com"));
    expect(report.status).toBe("mistakes");
    expect(report.mistakes).toEqual([
      'Pulumi.dev.yaml: tiktok_auth0:alarmEmail is in the namespace "tiktok_auth0", which neither this program nor its providers read ' +
        "(known: tiktok-auth0, aws, auth0, random, pulumi): correct the namespace, or run `pulumi config rm tiktok_auth0:alarmEmail`.",
    ]);
  });

  it("names the file when it is not YAML or has no config map", () => {
    expect(checkStackFile("Pulumi.dev.yaml", "config: [\n").mistakes).toEqual([
      expect.stringMatching(/^Pulumi\.dev\.yaml: is not valid YAML/),
    ]);
    expect(checkStackFile("Pulumi.dev.yaml", "config: 3\n").mistakes).toEqual([
      "Pulumi.dev.yaml: `config:` must be a map of keys to values (see Pulumi.dev.yaml).",
    ]);
  });
});

describe("checkStacks (npm run check-stacks)", () => {
  it("warns, exit 0, about example stack files as they ship, and exits 3 for one of them with --stack", () => {
    // The example values themselves, not the repository's files: those belong to whoever deploys.
    const example = [
      "config:",
      "  aws:region: us-east-1",
      `  auth0:domain: ${AUTH0_DOMAIN_EXAMPLE}`,
      `  tiktok-auth0:tiktokClientKey: ${CLIENT_KEY_PLACEHOLDER}`,
      "  tiktok-auth0:enabledClients: []",
      "",
    ].join("\n");
    const dir = project({ "Pulumi.dev.yaml": example, "Pulumi.prod.yaml": example });
    const all = checkStacks([], dir);
    expect(all.exitCode).toBe(EXIT.ok);
    expect(all.lines.every((line) => line.startsWith("warning: not configured yet: Pulumi."))).toBe(true);
    expect(all.lines.length).toBeGreaterThan(0);
    const one = checkStacks(["--stack", "myorg/tiktok-auth0/prod"], dir);
    expect(one.exitCode).toBe(EXIT.notConfigured);
    expect(one.lines.slice(0, -1).every((line) => line.startsWith("not configured yet: Pulumi.prod.yaml: "))).toBe(
      true,
    );
    expect(one.lines.at(-1)).toBe(
      "Stack myorg/tiktok-auth0/prod is not configured yet: fill in the values above before it is deployed.",
    );
  });

  it("stays green once the stack file is filled in and the production example deleted, and fails on a typo by name", () => {
    const dir = project({ "Pulumi.dev.yaml": FILLED });
    expect(checkStacks([], dir)).toEqual({ exitCode: EXIT.ok, lines: [] });
    expect(checkStacks(["--stack=dev"], dir)).toEqual({ exitCode: EXIT.ok, lines: [] });
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), withLine("tiktok-auth0:userIdFeild: open_id"));
    const typo = checkStacks([], dir);
    expect(typo.exitCode).toBe(EXIT.mistakes);
    expect(typo.lines).toEqual([
      expect.stringMatching(/^error: Pulumi\.dev\.yaml: tiktok-auth0:userIdFeild is not a setting/),
    ]);
  });

  it("fails for a stack with no file, and on usage mistakes", () => {
    const dir = project({ "Pulumi.dev.yaml": FILLED });
    expect(checkStacks(["--stack", "staging"], dir)).toEqual({
      exitCode: EXIT.mistakes,
      lines: ['No stack file for "staging": expected Pulumi.staging.yaml next to Pulumi.yaml.'],
    });
    expect(checkStacks(["--stack"], dir).exitCode).toBe(EXIT.usage);
    expect(checkStacks(["--stacks", "dev"], dir).exitCode).toBe(EXIT.usage);
  });

  it("runs as npm run check-stacks over the repository's own stack files, with the exit code the function gives", () => {
    const expected = checkStacks([], REPO_ROOT);
    // The repository's files may be examples or filled in; either way they hold no mistake.
    expect(expected.lines.filter((line) => line.startsWith("error:"))).toEqual([]);
    const run = spawnSync("npm", ["run", "--silent", "check-stacks"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect({ status: run.status, stderr: run.stderr.trim().split("\n").filter(Boolean) }).toEqual({
      status: expected.exitCode,
      stderr: expected.lines,
    });
  });
});
