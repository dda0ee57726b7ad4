import * as fs from "node:fs";
import * as path from "node:path";
import { load } from "js-yaml";
import { repositoryFiles } from "../support/repository-files";

/**
 * The Pulumi CLI refuses a folder that holds both a project file (Pulumi.yaml) and a plugin file
 * (PulumiPlugin.yaml): `LoadBaseProjectFrom` (pulumi/pulumi sdk/go/common/workspace/loaders.go),
 * which `pulumi package add` and the package commands use, fails with "detected both ... in ..." when
 * the nearest of each sits at the same depth. So the reference stack's Pulumi.yaml stays at the root
 * and the component package lives in component/ (docs/component-package.md).
 */

const ROOT = path.resolve(__dirname, "../..");

/** The CLI's names for the two manifests, with every extension it reads (encoding.Exts: .json, .yaml, .yml). */
const PROJECT_FILES = ["Pulumi.json", "Pulumi.yaml", "Pulumi.yml"];
const PLUGIN_FILES = ["PulumiPlugin.json", "PulumiPlugin.yaml", "PulumiPlugin.yml"];

/** The folders (`.` for the root) that hold both a project file and a plugin file, sorted. */
export function foldersHoldingBothManifests(files: readonly string[]): string[] {
  const projects = new Set<string>();
  const plugins = new Set<string>();
  for (const file of files) {
    const normalized = file.split(path.sep).join("/");
    const folder = path.posix.dirname(normalized);
    const name = path.posix.basename(normalized);
    if (PROJECT_FILES.includes(name)) projects.add(folder);
    if (PLUGIN_FILES.includes(name)) plugins.add(folder);
  }
  return [...projects].filter((folder) => plugins.has(folder)).sort();
}

describe("foldersHoldingBothManifests", () => {
  it("finds a folder with both manifests, whatever their extensions", () => {
    expect(
      foldersHoldingBothManifests([
        "Pulumi.yaml",
        "PulumiPlugin.yaml",
        "component/PulumiPlugin.yml",
        "component/Pulumi.json",
        "examples/yaml/Pulumi.yaml",
      ]),
    ).toEqual([".", "component"]);
  });

  it("accepts the two manifests in different folders, and ignores stack files and look-alikes", () => {
    expect(
      foldersHoldingBothManifests([
        "Pulumi.yaml",
        "Pulumi.dev.yaml",
        "component/PulumiPlugin.yaml",
        "component/Pulumi.prod.yaml",
        "component/NotPulumi.yaml",
        "policy/PulumiPolicy.yaml",
        "docs/Pulumi.yaml.md",
      ]),
    ).toEqual([]);
  });
});

describe("the repository's manifests", () => {
  const files = repositoryFiles();

  it("never puts Pulumi.yaml and PulumiPlugin.yaml in one folder", () => {
    expect(foldersHoldingBothManifests(files)).toEqual([]);
  });

  it("keeps the reference stack's project file at the root", () => {
    expect(files).toContain("Pulumi.yaml");
  });

  it("has the component package's plugin file in component/, run by the Node.js host as TypeScript", () => {
    expect(files).toContain("component/PulumiPlugin.yaml");
    const plugin = load(fs.readFileSync(path.join(ROOT, "component/PulumiPlugin.yaml"), "utf8")) as {
      runtime?: { name?: string; options?: Record<string, unknown> };
    };
    expect(plugin.runtime?.name).toBe("nodejs");
    expect(plugin.runtime?.options?.["typescript"]).toBe(true);
    // Set explicitly: with `auto`, a PULUMI_PREFER_YARN on the caller's machine would pick yarn.
    expect(plugin.runtime?.options?.["packagemanager"]).toBe("npm");
  });
});
