/**
 * An Auth0 tenant as the Auth0 provider's `getConnection` answers for it, shared by the program's
 * mocks (test/infra/support/pulumi-mocks.ts) and the plugin's fake engine
 * (test/component/support/plugin-host.ts).
 */

export const GET_CONNECTION = "auth0:index/getConnection:getConnection";

/**
 * An invoke's failure as the engine reports it: a gRPC error whose `details` carries the provider's
 * message. The SDK rethrows `new Error(details)`, so a plain Error would reach the program with an
 * empty message.
 */
export function invokeFailure(message: string): Error {
  return Object.assign(new Error(message), { details: message });
}

/**
 * `getConnection`'s answer: the connection with the ID, or else the name, asked for. Auth0's 404 for
 * an unknown ID; terraform-provider-auth0's data-source message for an unknown name.
 */
export function getConnectionAnswer(
  tenant: readonly Record<string, unknown>[],
  inputs: unknown,
): Record<string, unknown> {
  const { connectionId, name } = inputs as { connectionId?: string; name?: string };
  if (connectionId !== undefined) {
    const live = tenant.find((connection) => connection.id === connectionId);
    if (live === undefined) throw invokeFailure(`404 Not Found: The connection does not exist (${connectionId})`);
    return live;
  }
  const live = tenant.find((connection) => connection.name === name);
  if (live === undefined) throw invokeFailure(`No connection found with "name" = ${JSON.stringify(name)}`);
  return live;
}
