import fs from "node:fs";
import path from "node:path";
import { repositoryFiles } from "../support/repository-files";

/**
 * The repository must make sense to someone who clones it: no file may point to notes kept outside
 * it. Facts the code relies on live in docs/ (docs/protocol.md for the protocols), with their
 * public sources.
 *
 * The needles are assembled at run time, so this file does not contain them literally and is
 * scanned like every other file.
 */
const FORBIDDEN: readonly string[] = [[".", ".", "/", "shared"].join(""), ["FACTS", "md"].join(".")];

const ROOT = path.resolve(__dirname, "../..");

/** `file:line: text` for each line of `text` that mentions a forbidden reference (any case). */
function forbiddenMentions(file: string, text: string): string[] {
  const needles = FORBIDDEN.map((needle) => needle.toLowerCase());
  const found: string[] = [];
  text.split("\n").forEach((line, index) => {
    const lower = line.toLowerCase();
    if (needles.some((needle) => lower.includes(needle))) found.push(`${file}:${index + 1}: ${line.trim()}`);
  });
  return found;
}

/**
 * Relative link targets in Markdown (`[text](target)`), without anchors; external links skipped, and
 * so are the example stack files (`Pulumi.<stack>.yaml`): they belong to whoever deploys, who may
 * delete one (docs/operations.md says to, for a stack not deployed yet), and the docs must not
 * break then.
 */
function relativeLinkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const match of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1] ?? "";
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) continue;
    const file = target.split("#")[0] ?? "";
    if (file !== "" && !/(^|\/)Pulumi\.[^./]+\.ya?ml$/.test(file)) targets.push(file);
  }
  return targets;
}

const files = repositoryFiles();
const textOf = (file: string): string | undefined => {
  const bytes = fs.readFileSync(path.join(ROOT, file));
  // Binary files (a NUL byte) cannot carry a readable pointer.
  return bytes.includes(0) ? undefined : bytes.toString("utf8");
};

describe("the repository stands alone", () => {
  it("lists the files a clone has (the scan below is not vacuous)", () => {
    expect(files).toEqual(
      expect.arrayContaining(["README.md", "docs/protocol.md", "test/repository/stands-alone.test.ts"]),
    );
    expect(files.some((file) => file.startsWith("node_modules/"))).toBe(false);
  });

  it("finds a forbidden reference in any case, on the line it is on", () => {
    const [sharedDir, factsFile] = FORBIDDEN as [string, string];
    expect(forbiddenMentions("x.ts", `ok\n// see ${sharedDir}/${factsFile.toLowerCase()}\n`)).toEqual([
      `x.ts:2: // see ${sharedDir}/${factsFile.toLowerCase()}`,
    ]);
    expect(forbiddenMentions("x.md", `read ${factsFile} first`)).toHaveLength(1);
    expect(forbiddenMentions("x.md", "docs/protocol.md and the shared secret")).toEqual([]);
  });

  it("has no file that points to notes outside the repository", () => {
    const mentions = files.flatMap((file) => {
      const text = textOf(file);
      return text === undefined ? [] : forbiddenMentions(file, text);
    });
    // Write the fact into docs/ in your own words, with its public source, and point there.
    expect(mentions).toEqual([]);
  });

  it("points the emulator, the simulated Auth0 login and verify to docs/protocol.md", () => {
    for (const file of [
      "test/support/tiktok-emulator.ts",
      "test/support/auth0-login-flow.ts",
      "scripts/verify-checks.ts",
    ]) {
      expect({ file, points: textOf(file)?.includes("docs/protocol.md") }).toEqual({ file, points: true });
    }
  });

  it("finds relative Markdown links and skips URLs, anchors and stack files", () => {
    expect(relativeLinkTargets("[a](docs/x.md#y) [b](https://e.com/z) [c](#top) [d](../README.md)")).toEqual([
      "docs/x.md",
      "../README.md",
    ]);
    expect(relativeLinkTargets("[a](Pulumi.prod.yaml) [b](../Pulumi.dev.yml) [c](Pulumi.yaml)")).toEqual([
      "Pulumi.yaml",
    ]);
  });

  it("has no relative link in its Markdown to a file it does not contain", () => {
    const broken = files
      .filter((file) => file.endsWith(".md"))
      .flatMap((file) =>
        relativeLinkTargets(textOf(file) ?? "")
          .filter((target) => !fs.existsSync(path.resolve(ROOT, path.dirname(file), decodeURI(target))))
          .map((target) => `${file}: ${target}`),
      );
    expect(broken).toEqual([]);
  });
});
