import * as fs from "node:fs";
import * as path from "node:path";

/** What a release needs in the repository: a changelog entry for its version, and the license it declares. */

const ROOT = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
interface PackageJson {
  name: string;
  version: string;
  license: string;
  dependencies?: Record<string, string>;
}
const packageJson = JSON.parse(read("package.json")) as PackageJson;
/** The component package: its version is the release callers pin. */
const componentPackage = JSON.parse(read("component/package.json")) as PackageJson;

/** `## X.Y.Z (…)` and `## Unreleased` headings of a changelog, in order. */
function changelogVersions(changelog: string): string[] {
  return [...changelog.matchAll(/^## (Unreleased|\d+\.\d+\.\d+)\b/gm)].map((match) => match[1] ?? "");
}

it("finds the changelog's versions, and nothing under another heading level", () => {
  expect(changelogVersions("# Changelog\n## Unreleased\n### Added\n## 1.2.3 (2026-01-01)\n### 0.9.0\n")).toEqual([
    "Unreleased",
    "1.2.3",
  ]);
});

it("has a CHANGELOG.md entry for the version in package.json", () => {
  expect(changelogVersions(read("CHANGELOG.md"))).toContain(packageJson.version);
});

it("releases the component package and the repository as one version, under the frozen package name", () => {
  expect(componentPackage.version).toBe(packageJson.version);
  expect((JSON.parse(read("policy/package.json")) as PackageJson).version).toBe(packageJson.version);
  // The first part of callers' type tokens (tiktok-auth0:index:TikTokLogin), and so of their URNs.
  expect(componentPackage.name).toBe("tiktok-auth0");
  expect(componentPackage.license).toBe(packageJson.license);
});

it("gives the component the exact versions the repository's tests run with", () => {
  const root = JSON.parse(read("package.json")) as PackageJson & { devDependencies: Record<string, string> };
  const tested = { ...root.devDependencies, ...root.dependencies };
  for (const [name, version] of Object.entries(componentPackage.dependencies ?? {})) {
    expect({ name, version }).toEqual({ name, version: tested[name] });
  }
});

it("ships the license package.json declares, in full", () => {
  expect(packageJson.license).toBe("Apache-2.0");
  const license = read("LICENSE");
  expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004\s+http:\/\/www\.apache\.org\/licenses\//);
  expect(license).toContain("END OF TERMS AND CONDITIONS");
});
