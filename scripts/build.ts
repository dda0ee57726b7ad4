import { buildProxyBundle, PROXY_BUNDLE_FILE } from "./proxy-bundle";

buildProxyBundle();
process.stderr.write(`built ${PROXY_BUNDLE_FILE}\n`);
