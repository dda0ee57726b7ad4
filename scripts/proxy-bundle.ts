import { buildSync, BuildOptions, OutputFile } from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const PROXY_DIST_DIR = path.join(REPO_ROOT, "dist", "proxy");
/** The Lambda artifact as `npm run build` writes it: one CommonJS file exporting `handler`. */
export const PROXY_BUNDLE_FILE = path.join(PROXY_DIST_DIR, "index.js");
/** The `npm start` server, built from the same core. */
export const LOCAL_SERVER_FILE = path.join(PROXY_DIST_DIR, "server.js");
/**
 * The bundle the component deploys, committed: a plugin cloned by `pulumi package add` installs no
 * esbuild and may not be able to write where it lives. test/component/packaged-bundle.test.ts keeps
 * it equal, byte for byte, to what this file builds from proxy/.
 */
export const PACKAGED_BUNDLE_DIR = path.join(REPO_ROOT, "component", "lambda");

function bundleOptions(entryPoints: Record<string, string>, outdir: string): BuildOptions {
  return {
    entryPoints,
    outdir,
    bundle: true,
    platform: "node",
    // Lambda's nodejs22.x is the oldest runtime the component allows.
    target: "node22",
    format: "cjs",
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: "none",
    logLevel: "warning",
    write: false,
  };
}

/** The Lambda bundle and its source map, as they must be in {@link PACKAGED_BUNDLE_DIR}; nothing is written. */
export function packagedBundleOutputs(): OutputFile[] {
  return buildSync(bundleOptions({ index: path.join(REPO_ROOT, "proxy", "lambda.ts") }, PACKAGED_BUNDLE_DIR))
    .outputFiles!;
}

/**
 * Bundles the proxy with esbuild into dist/ (the Lambda bundle and the `npm start` server) and
 * refreshes the component's committed bundle. Called by `npm run build`.
 */
export function buildProxyBundle(): void {
  const dist = buildSync(
    bundleOptions(
      {
        index: path.join(REPO_ROOT, "proxy", "lambda.ts"),
        server: path.join(REPO_ROOT, "proxy", "server-main.ts"),
      },
      PROXY_DIST_DIR,
    ),
  ).outputFiles!;
  for (const file of [...dist, ...packagedBundleOutputs()]) writeAtomically(file);
}

/**
 * Written aside and renamed into place: a process starting the server (or a parallel test worker)
 * never reads a half-written bundle while another build runs.
 */
function writeAtomically(file: OutputFile): void {
  fs.mkdirSync(path.dirname(file.path), { recursive: true });
  const partial = `${file.path}.${process.pid}.partial`;
  fs.writeFileSync(partial, file.contents);
  fs.renameSync(partial, file.path);
}
