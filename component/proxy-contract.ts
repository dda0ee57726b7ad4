/**
 * What the component and the deployed proxy must agree on. Copies of proxy/token-proxy.ts's
 * constants, so the plugin compiles nothing outside its folder (test/component/proxy-contract.test.ts
 * keeps them equal).
 */

/** The path the proxy serves token requests on, after the function URL. */
export const TOKEN_PATH = "/proxy/token";
/** The header Auth0 sends the shared secret in. */
export const SHARED_SECRET_HEADER = "x-proxy-secret";
