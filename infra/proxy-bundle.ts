import { buildSync } from "esbuild";
import fs from "node:fs";
import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const PROXY_DIST_DIR = path.join(REPO_ROOT, "dist", "proxy");
/** The Lambda artifact: one CommonJS file exporting `handler`. */
export const PROXY_BUNDLE_FILE = path.join(PROXY_DIST_DIR, "index.js");
/** The `npm start` server, built from the same core. */
export const LOCAL_SERVER_FILE = path.join(PROXY_DIST_DIR, "server.js");

/**
 * Bundles the proxy with esbuild. Called by `npm run build` and by the Pulumi program itself,
 * so `pulumi up` always deploys the source it was run from, never a stale dist/.
 */
export function buildProxyBundle(): void {
  const { outputFiles } = buildSync({
    entryPoints: {
      index: path.join(REPO_ROOT, "proxy", "lambda.ts"),
      server: path.join(REPO_ROOT, "proxy", "server-main.ts"),
    },
    outdir: PROXY_DIST_DIR,
    bundle: true,
    platform: "node",
    // Lambda's nodejs22.x is the oldest runtime the stack allows.
    target: "node22",
    format: "cjs",
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: "none",
    logLevel: "warning",
    write: false,
  });
  // Written aside and renamed into place: a process starting the server (or a parallel test
  // worker) never reads a half-written bundle while another build runs.
  fs.mkdirSync(PROXY_DIST_DIR, { recursive: true });
  for (const file of outputFiles) {
    const partial = `${file.path}.${process.pid}.partial`;
    fs.writeFileSync(partial, file.contents);
    fs.renameSync(partial, file.path);
  }
}
