/**
 * The built Lambda bundle, loaded the way the Lambda runtime loads it: `require` of
 * dist/proxy/index.js, whose `handler` reads process.env once, at load. Set the env first.
 */
import type { FunctionUrlEvent, FunctionUrlHandler } from "../proxy/lambda";
import { BUNDLE_FILE, TOKEN_PATH } from "./config";
import { FORM_HEADERS } from "./fixtures";

export function loadBundleHandler(): FunctionUrlHandler {
  // A runtime require on purpose: the subject is the built artifact, not the TypeScript source.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded: unknown = require(BUNDLE_FILE);
  if (typeof loaded !== "object" || loaded === null || !("handler" in loaded) || typeof loaded.handler !== "function") {
    throw new Error(`${BUNDLE_FILE} does not export a handler function`);
  }
  return loaded.handler as FunctionUrlHandler;
}

/** A function URL event (payload 2.0) carrying Auth0's token POST, with the headers AWS adds. */
export function functionUrlEvent(body: string): FunctionUrlEvent {
  return {
    rawPath: TOKEN_PATH,
    headers: {
      ...FORM_HEADERS,
      "content-length": String(Buffer.byteLength(body)),
      host: "bench.lambda-url.eu-west-1.on.aws",
      "user-agent": "node-oauth",
      "x-amzn-trace-id": "Root=1-00000000-000000000000000000000000",
      "x-forwarded-for": "203.0.113.7",
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
    },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: "POST" } },
  };
}
