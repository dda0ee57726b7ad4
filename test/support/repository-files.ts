import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const REPOSITORY_ROOT = path.resolve(__dirname, "../..");

/** Every file git would put in a commit: tracked files, plus new ones that are not ignored. */
export function repositoryFiles(): string[] {
  let listing: string;
  try {
    listing = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: REPOSITORY_ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    throw new Error("this test lists the repository's files with git: run it in a clone", { cause: err });
  }
  // --cached also lists files deleted in the work tree but not yet from the index.
  return [...new Set(listing.split("\0").filter((file) => file !== ""))].filter((file) =>
    fs.existsSync(path.join(REPOSITORY_ROOT, file)),
  );
}
