import * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import { STACK_CONFIG_WORDS, Vocabulary } from "./vocabulary";

/**
 * The connection as it is in the tenant right now, read through the Auth0 provider (the same
 * credentials as the rest of the stack) before anything is declared: by ID to adopt a hand-made one
 * (component/adoption.ts), by name to see the switches that turn logins off (component/login-switches.ts).
 */

/** What the checks need of the live connection. */
export interface LiveConnection {
  id: string;
  /** `undefined` if the provider returned none. */
  name: string | undefined;
  strategy: string;
  /** The connection's client ID: for a TikTok connection, the TikTok app's client key. */
  clientId: string | undefined;
  /** Where Auth0 sends the browser: TikTok's v1 or v2 authorize URL, for a TikTok connection. */
  authorizationEndpoint: string | undefined;
  /** Client IDs of the applications the connection is enabled for today (empty when not asked for). */
  enabledClients: readonly string[];
  /** The `fetchUserProfile` script Auth0 runs today; `undefined` if it has none. */
  fetchUserProfileScript: string | undefined;
  /**
   * Auth0's "use for authentication" switch; `undefined` when the tenant does not report it (the
   * field is behind a feature flag on some tenants).
   */
  authenticationActive: boolean | undefined;
  isDomainConnection: boolean;
  realms: readonly string[];
  /** Keys of the connection's metadata; the program declares none. */
  metadataKeys: readonly string[];
}

/** The provider's message when a lookup by name finds nothing (terraform-provider-auth0, data_source.go). */
const NOT_FOUND = /No connection found with "name"/;

/** A `pulumi.RunError`: the CLI prints the message alone. */
export class LiveConnectionError extends pulumi.RunError {
  constructor(message: string) {
    super(message);
    this.name = "LiveConnectionError";
  }
}

/** Reads one connection by its ID, with the applications it is enabled for. */
export async function readConnectionById(
  connectionId: string,
  provider?: pulumi.ProviderResource,
): Promise<LiveConnection> {
  return toLiveConnection(await auth0.getConnection({ connectionId }, invokeOptions(provider)));
}

/**
 * The connection named `name`, or `undefined` when the tenant has none (the first `pulumi up` of a
 * stack). Any other failure stops the run: the program cannot tell what it would change.
 */
export async function findConnectionByName(
  name: string,
  provider?: pulumi.ProviderResource,
  words: Vocabulary = STACK_CONFIG_WORDS,
): Promise<LiveConnection | undefined> {
  let found: auth0.GetConnectionResult;
  try {
    // The enabled applications are ConnectionClients' business, and reading them costs a call per page.
    found = await auth0.getConnection({ name, skipEnabledClients: true }, invokeOptions(provider));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (NOT_FOUND.test(reason)) return undefined;
    throw new LiveConnectionError(
      `Could not look up the connection "${name}" in the tenant ${tenantOf(words)}${reason === "" ? "" : ` (${reason})`}. ` +
        "Pulumi's Machine to Machine application needs read:connections and read:connections_options; " +
        "check the Auth0 credentials in the environment (AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET).",
    );
  }
  return toLiveConnection(found);
}

/** The invoke's options; none for the default provider (a caller's tsconfig may set exactOptionalPropertyTypes). */
function invokeOptions(provider: pulumi.ProviderResource | undefined): pulumi.InvokeOptions | undefined {
  return provider === undefined ? undefined : { provider };
}

/** Where the tenant is named: the stack's auth0:domain, or the caller's Auth0 provider. */
export function tenantOf(words: Vocabulary): string {
  return words.checksTenant ? "in auth0:domain" : "of the Auth0 provider";
}

function toLiveConnection(found: auth0.GetConnectionResult): LiveConnection {
  // The declared types promise every field; an empty list or object may still arrive as nothing.
  const loose: {
    options?: Partial<auth0.types.output.GetConnectionOption>[];
    enabledClients?: string[];
    authentications?: Partial<auth0.types.output.GetConnectionAuthentication>[];
    realms?: string[];
    isDomainConnection?: boolean;
    metadata?: Record<string, string>;
  } = found;
  const options = loose.options?.[0];
  return {
    id: found.id,
    name: found.name,
    strategy: found.strategy,
    clientId: options?.clientId,
    authorizationEndpoint: options?.authorizationEndpoint,
    enabledClients: loose.enabledClients ?? [],
    fetchUserProfileScript: options?.scripts?.["fetchUserProfile"],
    authenticationActive: loose.authentications?.[0]?.active,
    isDomainConnection: loose.isDomainConnection ?? false,
    realms: loose.realms ?? [],
    metadataKeys: Object.keys(loose.metadata ?? {}).sort(),
  };
}
