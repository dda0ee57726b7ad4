import type { LiveConnection } from "./live-connection";

/**
 * The connection fields that can switch TikTok logins off without touching its options: Auth0's "use
 * for authentication" switch (`authentication.active`), "domain connection" (`isDomainConnection`)
 * and `realms`. The provider marks all three optional and computed, so a program that leaves them out
 * reads whatever a hand edit set and never reports it. So they are declared, each in the way that is
 * safe on every tenant:
 *
 * - `isDomainConnection` is sent on every update anyway, and comes back as a plain boolean: `false`.
 * - `realms` defaults to `[name]` in the API and is sent only when it changed: `[name]`.
 * - `authentication` is behind a feature flag on some tenants (go-auth0 #602), where the API never
 *   returns it and a declared value would be a perpetual diff or a refused request. So it is declared,
 *   `{ active: true }`, only when the live connection reports it; an "off" then shows as a diff in
 *   preview and the drift check, and `pulumi up` turns it back on.
 */

export interface LoginSwitches {
  isDomainConnection: boolean;
  realms: string[];
  /** `undefined`: left out, because the tenant does not report the switch (or the connection is new). */
  authentication: { active: boolean } | undefined;
}

/** What the connection declares, given the live connection (`undefined`: it does not exist yet). */
export function loginSwitches(live: LiveConnection | undefined, connectionName: string): LoginSwitches {
  return {
    isDomainConnection: false,
    realms: [connectionName],
    authentication: live?.authenticationActive === undefined ? undefined : { active: true },
  };
}

/**
 * Each hand edit this run reverts, and the one it cannot (metadata), in words an operator acts on.
 */
export function loginSwitchWarnings(live: LiveConnection | undefined, connectionName: string): string[] {
  if (live === undefined) return [];
  const which = `The connection ${live.id}${live.name ? ` ("${live.name}")` : ""}`;
  const warnings: string[] = [];
  if (live.authenticationActive === false) {
    warnings.push(
      `${which} has Auth0's "use for authentication" switch off, so no one can log in with TikTok. ` +
        "`pulumi up` turns it back on. To stop TikTok logins on purpose, remove applications from enabledClients instead.",
    );
  }
  if (live.isDomainConnection) {
    warnings.push(`${which} is marked as a domain connection; \`pulumi up\` sets it back to false.`);
  }
  const expected = [connectionName];
  if (live.realms.length !== expected.length || live.realms.some((realm, i) => realm !== expected[i])) {
    warnings.push(
      `${which} has the realms ${JSON.stringify(live.realms)}; \`pulumi up\` sets them back to ${JSON.stringify(expected)}, Auth0's default.`,
    );
  }
  if (live.metadataKeys.length > 0) {
    // Not declared, so never sent: whether Auth0 would drop keys missing from a PATCH is unconfirmed,
    // and a key someone relies on must not vanish on a deploy. It shows as a difference instead.
    warnings.push(
      `${which} has metadata (${live.metadataKeys.join(", ")}), which this stack does not declare: every preview and ` +
        "drift check shows it as a difference, and `pulumi up` leaves it in place. Remove it through the Management API " +
        '(docs/operations.md, "What a hand edit does"), or keep it and accept the difference.',
    );
  }
  return warnings;
}
