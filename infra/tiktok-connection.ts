import * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import fs from "node:fs";
import path from "node:path";
import { SHARED_SECRET_HEADER } from "../proxy/token-proxy";
import type { TikTokScope } from "./config";

export interface TikTokConnectionArgs {
  /** Auth0 connection name; users are stored as `oauth2|<name>|<union_id>`, so never rename it. */
  connectionName: string;
  /** The label on the login button. */
  displayName: string;
  /** TikTok's `client_key`; Auth0 calls it the client ID. */
  tiktokClientKey: string;
  /** Made secret here whatever the caller passes. */
  tiktokClientSecret: pulumi.Input<string>;
  scopes: readonly TikTokScope[];
  /** The token proxy's URL; TikTok's own token endpoint would reject Auth0's `client_id`. */
  tokenUrl: pulumi.Input<string>;
  /** Sent in `x-proxy-secret` with each token request. Made secret here whatever the caller passes. */
  sharedSecret: pulumi.Input<string>;
  /** Every Auth0 application the connection is enabled for; applications enabled by hand are disabled. */
  enabledClients: readonly string[];
}

export const TIKTOK_AUTHORIZATION_ENDPOINT = "https://www.tiktok.com/v2/auth/authorize/";
/** TikTok's own favicon: a stable https URL TikTok serves itself. */
export const TIKTOK_ICON_URL = "https://www.tiktok.com/favicon.ico";
export const FETCH_USER_PROFILE_SCRIPT_FILE = path.join(__dirname, "auth0", "fetch-user-profile.js");
/** Auth0 rejects longer scripts. */
export const MAX_SCRIPT_CHARACTERS = 51_200;

/**
 * The Auth0 custom social connection ("oauth2") for TikTok Login Kit v2, and the list of
 * applications that may use it.
 */
export class TikTokConnection extends pulumi.ComponentResource {
  public readonly connection: auth0.Connection;
  /** Owns the whole list of enabled applications; never combine with auth0.ConnectionClient. */
  public readonly enabledClients: auth0.ConnectionClients;
  public readonly connectionId: pulumi.Output<string>;
  public readonly connectionName: pulumi.Output<string>;

  constructor(name: string, args: TikTokConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tiktok-auth0:index:TikTokConnection", name, {}, opts);

    const fetchUserProfile = readFetchUserProfileScript(FETCH_USER_PROFILE_SCRIPT_FILE);

    // A PATCH of `options` replaces the whole object, so every option is declared here; anything
    // changed in the Auth0 dashboard is reverted by the next `pulumi up`. Left out on purpose:
    // nonPersistentAttrs (TikTok sends no email or other sensitive data, and Actions may want the
    // stored fields) and strategyVersion (Auth0's default).
    this.connection = new auth0.Connection(
      `${name}-connection`,
      {
        name: args.connectionName,
        displayName: args.displayName,
        strategy: "oauth2",
        options: {
          authorizationEndpoint: TIKTOK_AUTHORIZATION_ENDPOINT,
          tokenEndpoint: args.tokenUrl,
          clientId: args.tiktokClientKey,
          clientSecret: pulumi.secret(args.tiktokClientSecret),
          scopes: connectionScopes(args.scopes),
          upstreamParams: upstreamParamsJson(args.tiktokClientKey),
          customHeaders: [{ header: SHARED_SECRET_HEADER, value: pulumi.secret(args.sharedSecret) }],
          scripts: { fetchUserProfile },
          iconUrl: TIKTOK_ICON_URL,
          // Name and picture follow TikTok: users change them there, not here.
          setUserRootAttributes: "on_each_login",
          // TikTok wants PKCE only from mobile and desktop apps; Auth0 is a web client.
          pkceEnabled: false,
        },
      },
      { parent: this },
    );

    // Created even when the list is empty: the stack then owns the list from the start, instead of
    // suddenly disabling hand-enabled applications the day the first client ID is added to config.
    this.enabledClients = new auth0.ConnectionClients(
      `${name}-clients`,
      { connectionId: this.connection.id, enabledClients: [...args.enabledClients] },
      { parent: this },
    );

    this.connectionId = this.connection.id;
    this.connectionName = this.connection.name;
    this.registerOutputs({ connectionId: this.connectionId, connectionName: this.connectionName });
  }
}

/**
 * One scope element, comma-joined: TikTok needs commas, and how Auth0 joins several elements
 * (spaces or commas) is not documented.
 */
export function connectionScopes(scopes: readonly TikTokScope[]): string[] {
  return [scopes.join(",")];
}

/**
 * Adds `client_key` to the authorize redirect (TikTok ignores `client_id`). Compact JSON with one
 * fixed key order, so the value is byte-identical on every run and `pulumi preview` shows no diff.
 */
export function upstreamParamsJson(tiktokClientKey: string): string {
  return JSON.stringify({ client_key: { value: tiktokClientKey } });
}

/** The script exactly as it is in the repository; fails at program start if Auth0 would reject it. */
export function readFetchUserProfileScript(file: string): string {
  const script = fs.readFileSync(file, "utf8");
  if (script.length > MAX_SCRIPT_CHARACTERS) {
    throw new Error(
      `${file} has ${script.length} characters; Auth0 accepts at most ${MAX_SCRIPT_CHARACTERS}. Shorten the script.`,
    );
  }
  if (!/^function fetchUserProfile\s*\(/.test(script)) {
    throw new Error(`${file} must start with "function fetchUserProfile(": Auth0 runs the text as that one function.`);
  }
  return script;
}
