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

interface PackageLock {
  name: string;
  version: string;
  lockfileVersion: number;
  packages: Record<string, { version?: string; dependencies?: Record<string, string>; dev?: boolean }>;
}

/** `name@version` of each package a lockfile installs: `node_modules/a/node_modules/b` is `b`. */
function lockedPackages(lock: PackageLock): Set<string> {
  return new Set(
    Object.entries(lock.packages)
      .filter(([key]) => key !== "")
      .map(
        ([key, entry]) => `${key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length)}@${entry.version}`,
      ),
  );
}

it("names a nested package by its own name in a lockfile", () => {
  const lock: PackageLock = {
    name: "x",
    version: "1.0.0",
    lockfileVersion: 3,
    packages: {
      "": {},
      "node_modules/@a/b": { version: "1.0.0" },
      "node_modules/c/node_modules/d": { version: "2.0.0" },
    },
  };
  expect([...lockedPackages(lock)]).toEqual(["@a/b@1.0.0", "d@2.0.0"]);
});

describe("component/package-lock.json: what callers' `npm install` of the plugin resolves", () => {
  // Pulumi's Node.js host runs `npm install` in the plugin's folder, which follows this lockfile
  // (docs/component-package.md#install-cost).
  const lock = JSON.parse(read("component/package-lock.json")) as PackageLock;

  it("is a version 3 lockfile of this package and exactly its dependencies", () => {
    expect(lock.lockfileVersion).toBe(3);
    expect([lock.name, lock.version]).toEqual([componentPackage.name, componentPackage.version]);
    const root = lock.packages[""];
    expect(root?.dependencies).toEqual(componentPackage.dependencies);
    expect(Object.values(lock.packages).filter((entry) => entry.dev === true)).toEqual([]);
  });

  it("resolves every package to a version the repository's own lockfile, and so its tests, use", () => {
    const tested = lockedPackages(JSON.parse(read("package-lock.json")) as PackageLock);
    expect([...lockedPackages(lock)].filter((pkg) => !tested.has(pkg))).toEqual([]);
  });
});

it("ships the license package.json declares, in full", () => {
  expect(packageJson.license).toBe("Apache-2.0");
  const license = read("LICENSE");
  expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004\s+http:\/\/www\.apache\.org\/licenses\//);
  expect(license).toContain("END OF TERMS AND CONDITIONS");
});
