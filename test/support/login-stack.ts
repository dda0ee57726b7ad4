import { onlyResourceOfType, runProgram, TYPES } from "../infra/support/pulumi-mocks";

/**
 * The two halves of a login as the Pulumi program declares them, taken from a real run of
 * infra/program.ts under recording mocks: what Auth0 is told (the connection's inputs) and what the
 * token proxy is told (the Lambda's environment). Nothing here is typed in by hand, so a login
 * driven from it proves the program's two halves fit together.
 */

/** The `auth0.Connection` inputs a login needs, as the program passes them to the provider. */
export interface ConnectionInputs {
  name: string;
  strategy: string;
  options: {
    authorizationEndpoint: string;
    tokenEndpoint: string;
    clientId: string;
    clientSecret: string;
    scopes: string[];
    upstreamParams: string;
    customHeaders: { header: string; value: string }[];
    scripts: { fetchUserProfile: string };
    pkceEnabled: boolean;
  };
}

export interface LoginStack {
  connection: ConnectionInputs;
  /** The Lambda's environment variables, secrets in plain text, exactly as the function would get them. */
  proxyEnvironment: Record<string, string>;
}

/**
 * Runs the program under mocks with `config` (full `project:key` names) and captures both halves.
 * Once per process (or jest test file): the program module is cached after its first import, so a
 * second call would record nothing and fail here.
 */
export async function captureLoginStack(config: Record<string, string>, secretKeys: string[]): Promise<LoginStack> {
  const run = await runProgram(config, secretKeys);
  const connection = onlyResourceOfType(run.resources, TYPES.connection).inputs;
  const lambda = onlyResourceOfType(run.resources, TYPES.function).inputs;
  return { connection: connectionInputs(connection), proxyEnvironment: lambdaEnvironment(lambda) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new Error(`The program's ${what} is not a string: ${JSON.stringify(value)}`);
  return value;
}

function requireRecord(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`The program's ${what} is not an object: ${JSON.stringify(value)}`);
  return value;
}

/** Checks the recorded inputs have the shape a login needs, so a program change fails here with a name, not deep in passport. */
function connectionInputs(inputs: Record<string, unknown>): ConnectionInputs {
  const options = requireRecord(inputs.options, "connection options");
  const scopes = options.scopes;
  if (!Array.isArray(scopes))
    throw new Error(`The program's connection scopes are not a list: ${JSON.stringify(scopes)}`);
  const customHeaders = options.customHeaders;
  if (!Array.isArray(customHeaders)) {
    throw new Error(`The program's connection customHeaders are not a list: ${JSON.stringify(customHeaders)}`);
  }
  const scripts = requireRecord(options.scripts, "connection scripts");
  return {
    name: requireString(inputs.name, "connection name"),
    strategy: requireString(inputs.strategy, "connection strategy"),
    options: {
      authorizationEndpoint: requireString(options.authorizationEndpoint, "authorizationEndpoint"),
      tokenEndpoint: requireString(options.tokenEndpoint, "tokenEndpoint"),
      clientId: requireString(options.clientId, "clientId"),
      clientSecret: requireString(options.clientSecret, "clientSecret"),
      scopes: scopes.map((scope, index) => requireString(scope, `scopes[${index}]`)),
      upstreamParams: requireString(options.upstreamParams, "upstreamParams"),
      customHeaders: customHeaders.map((entry, index) => {
        const header = requireRecord(entry, `customHeaders[${index}]`);
        return {
          header: requireString(header.header, `customHeaders[${index}].header`),
          value: requireString(header.value, `customHeaders[${index}].value`),
        };
      }),
      scripts: { fetchUserProfile: requireString(scripts.fetchUserProfile, "fetchUserProfile script") },
      pkceEnabled: options.pkceEnabled === true,
    },
  };
}

function lambdaEnvironment(inputs: Record<string, unknown>): Record<string, string> {
  const environment = requireRecord(inputs.environment, "Lambda environment");
  const variables = requireRecord(environment.variables, "Lambda environment variables");
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [
      name,
      requireString(value, `Lambda environment variable ${name}`),
    ]),
  );
}
