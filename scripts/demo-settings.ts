/**
 * The made-up stack `npm run demo` runs the Pulumi program with, and the made-up TikTok app and
 * Auth0 tenant around it. Nothing here is real or needs an account; the client secret exists so the
 * demo can show it is never printed.
 */

export const DEMO_TIKTOK_CLIENT_KEY = "awdemoclientkey";
export const DEMO_TIKTOK_CLIENT_SECRET = "demo-tiktok-client-secret-never-printed";
export const DEMO_AUTH0_DOMAIN = "demo-tenant.us.auth0.com";

/** Stack config in Pulumi's `project:key` form, as `pulumi config` would hold it. */
export const DEMO_STACK_CONFIG: Record<string, string> = {
  "auth0:domain": DEMO_AUTH0_DOMAIN,
  "tiktok-auth0:tiktokClientKey": DEMO_TIKTOK_CLIENT_KEY,
  "tiktok-auth0:tiktokClientSecret": DEMO_TIKTOK_CLIENT_SECRET,
  "tiktok-auth0:scopes": JSON.stringify(["user.info.basic", "user.info.profile"]),
};
export const DEMO_SECRET_KEYS = ["tiktok-auth0:tiktokClientSecret"];
