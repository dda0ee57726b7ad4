import * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { SHARED_SECRET_HEADER } from "./proxy-contract";
import type { TikTokScope, UserIdField } from "./settings";
import type { LoginSwitches } from "./login-switches";
import {
  FETCH_USER_PROFILE_SCRIPT_FILE,
  fetchUserProfileScriptFor,
  readFetchUserProfileScript,
} from "./profile-script";

export interface TikTokConnectionArgs {
  /** Auth0 connection name; users are stored as `oauth2|<name>|<user_id>`, so never rename it. */
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
  /** The TikTok field the profile script returns as `user_id`; fixed for the life of the connection. */
  userIdField: UserIdField;
  /**
   * The fields that can switch logins off outside `options`, as component/login-switches.ts decides them
   * from the live connection: declared, so a hand edit shows in preview and is reverted.
   */
  loginSwitches: LoginSwitches;
  /**
   * An existing connection (`con_…`) to adopt instead of creating one: both resources are declared
   * with `import`, and the first `pulumi up` then brings them to the declared state. Checked against
   * the live connection beforehand (component/adoption.ts).
   */
  adoptConnectionId?: string | undefined;
}

export const TIKTOK_AUTHORIZATION_ENDPOINT = "https://www.tiktok.com/v2/auth/authorize/";
/** TikTok's own favicon: a stable https URL TikTok serves itself. */
export const TIKTOK_ICON_URL = "https://www.tiktok.com/favicon.ico";

/**
 * The Auth0 custom social connection ("oauth2") for TikTok Login Kit v2, and the list of
 * applications that may use it.
 */
export class TikTokConnection extends pulumi.ComponentResource {
  public readonly connection: auth0.Connection;
  /** Owns the whole list of enabled applications; never combine with auth0.ConnectionClient. */
  public readonly enabledClients: auth0.ConnectionClients;
  /** Holds `userIdField` in the stack's state, so a change of it is refused (see the constructor). */
  public readonly userIdFieldPin: random.RandomId;
  public readonly connectionId: pulumi.Output<string>;
  public readonly connectionName: pulumi.Output<string>;

  constructor(name: string, args: TikTokConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tiktok-auth0:index:TikTokConnection", name, {}, opts);
    // Adopting imports the connection and its applications; otherwise no `import` at all (not one set to
    // undefined, which a caller's tsconfig with exactOptionalPropertyTypes refuses).
    const imported = args.adoptConnectionId === undefined ? {} : { import: args.adoptConnectionId };

    const fetchUserProfile = fetchUserProfileScriptFor(
      readFetchUserProfileScript(FETCH_USER_PROFILE_SCRIPT_FILE),
      args.userIdField,
    );

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
        isDomainConnection: args.loginSwitches.isDomainConnection,
        realms: args.loginSwitches.realms,
        authentication: args.loginSwitches.authentication,
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
      // The connection holds the users: deleting it deletes them, and a new name or strategy means a
      // replacement. Protected, so a rename, a destroy or a refactor that moves the URN fails instead.
      // Retiring it on purpose is `pulumi state unprotect` (docs/operations.md), never removing this.
      { parent: this, protect: true, ...imported },
    );

    // Created even when the list is empty: the stack then owns the list from the start, instead of
    // suddenly disabling hand-enabled applications the day the first client ID is added to config.
    // Its ID is the connection's ID, so adopting imports it too: creating it would refuse to run on a
    // connection that already has applications enabled.
    this.enabledClients = new auth0.ConnectionClients(
      `${name}-clients`,
      { connectionId: this.connection.id, enabledClients: [...args.enabledClients] },
      { parent: this, ...imported },
    );

    // Changing userIdField would not touch the connection's identity, only its script: Pulumi would
    // update it in place and every returning user would be created again. This resource records the
    // field in state; a change of its keepers means a replacement, which the engine refuses for a
    // protected resource. So the field, like the connection's name, cannot change by accident.
    this.userIdFieldPin = new random.RandomId(
      `${name}-user-id-field`,
      { byteLength: 4, keepers: { userIdField: args.userIdField } },
      { parent: this, protect: true },
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
