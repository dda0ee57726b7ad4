import * as fs from "node:fs";
import * as path from "node:path";
import { LAMBDA_BUNDLE_FILE } from "../../component/token-proxy";
import { PACKAGED_BUNDLE_DIR, packagedBundleOutputs } from "../../scripts/proxy-bundle";
import { SHARED_SECRET_HEADER, TOKEN_PATH } from "../../component/proxy-contract";
import * as proxy from "../../proxy/token-proxy";

/**
 * The component deploys a committed bundle (a plugin installed by `pulumi package add` has no esbuild
 * and may not write where it lives). These tests keep that bundle what proxy/ builds to.
 */

it("ships the bundle built from proxy/ today, byte for byte, with its source map", () => {
  const built = packagedBundleOutputs();
  expect(built.map((file) => path.relative(PACKAGED_BUNDLE_DIR, file.path)).sort()).toEqual([
    "index.js",
    "index.js.map",
  ]);
  for (const file of built) {
    const committed = fs.readFileSync(file.path);
    // On failure: run `npm run build` and commit component/lambda/.
    expect({
      file: path.relative(PACKAGED_BUNDLE_DIR, file.path),
      same: committed.equals(Buffer.from(file.contents)),
    }).toEqual({
      file: path.relative(PACKAGED_BUNDLE_DIR, file.path),
      same: true,
    });
  }
});

it("is the bundle the component deploys", () => {
  expect(LAMBDA_BUNDLE_FILE).toBe(path.join(PACKAGED_BUNDLE_DIR, "index.js"));
});

it("agrees with the proxy on the token path and the shared-secret header", () => {
  expect({ TOKEN_PATH, SHARED_SECRET_HEADER }).toEqual({
    TOKEN_PATH: proxy.TOKEN_PATH,
    SHARED_SECRET_HEADER: proxy.SHARED_SECRET_HEADER,
  });
});
