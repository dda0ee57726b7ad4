import type { RecordedResource } from "./support/pulumi-mocks";

/**
 * Rotating the proxy's shared secret without a failed login. The Lambda and the Auth0 connection
 * are updated by two separate API calls, so the program must make every step of a rotation change
 * only one of them, and Auth0 must only ever send a value the Lambda accepts: step 1 (switching
 * `activeSharedSecret`) changes only what Auth0 sends, step 2 (`pulumi up --replace` of the now
 * inactive slot) only what the Lambda accepts.
 *
 * The program runs once per state of the stack. Each run gets its own module registry, because
 * the program module is cached per registry; everything a run hands back is plain data.
 */

type Support = typeof import("./support/pulumi-mocks");

interface Run {
  /** The connection's inputs, secrets unmarked, as JSON: what an update would send to Auth0. */
  connectionInputs: string;
  lambdaEnvironment: Record<string, unknown>;
  /** The Lambda's environment as serialized for the engine, secret markers in place. */
  serializedLambdaEnvironment: Record<string, unknown>;
  /** PROXY_SHARED_SECRET is marked secret where it sits. */
  acceptedSecretsAreSecret: boolean;
  proxySecretHeaders: { header: string; value: unknown }[];
  /** For each x-proxy-secret header, whether its value is marked secret where it sits. */
  headerValuesAreSecret: boolean[];
  proxySharedSecret: string;
  proxySharedSecretIsSecret: boolean;
  slotA: string;
  slotB: string;
}

async function runProgramWith(active: "a" | "b" | undefined, replacedPasswords: string[] = []): Promise<Run> {
  let result: Run | undefined;
  await jest.isolateModulesAsync(async () => {
    const support: Support = await import("./support/pulumi-mocks");
    const pulumi = await import("@pulumi/pulumi");
    const config = { ...support.REQUIRED_CONFIG };
    if (active !== undefined) config["tiktok-auth0:activeSharedSecret"] = active;
    const run = await support.runProgram(config, support.SECRET_KEYS, { replacedPasswords });
    const only = (type: string): RecordedResource => support.onlyResourceOfType(run.resources, type);

    const fn = only(support.TYPES.function);
    const connection = only(support.TYPES.connection);
    const headers = (connection.inputs.options as { customHeaders: { header: string; value: unknown }[] })
      .customHeaders;
    const serializedHeaders = (connection.serialized.options as { customHeaders: { header: string; value: unknown }[] })
      .customHeaders;
    const serializedEnvironment = fn.serialized.environment as { variables: Record<string, unknown> };
    result = {
      connectionInputs: JSON.stringify(connection.inputs),
      lambdaEnvironment: fn.inputs.environment as Record<string, unknown>,
      serializedLambdaEnvironment: serializedEnvironment,
      acceptedSecretsAreSecret: support.isSecretValue(serializedEnvironment.variables.PROXY_SHARED_SECRET),
      proxySecretHeaders: headers.filter((h) => h.header === "x-proxy-secret"),
      headerValuesAreSecret: serializedHeaders
        .filter((h) => h.header === "x-proxy-secret")
        .map((h) => support.isSecretValue(h.value)),
      proxySharedSecret: await support.promiseOf(run.program.proxySharedSecret),
      proxySharedSecretIsSecret: await pulumi.isSecret(run.program.proxySharedSecret),
      slotA: support.mockRandomPassword(
        "tiktok-proxy-shared-secret-a",
        replacedPasswords.includes("tiktok-proxy-shared-secret-a"),
      ),
      slotB: support.mockRandomPassword(
        "tiktok-proxy-shared-secret-b",
        replacedPasswords.includes("tiktok-proxy-shared-secret-b"),
      ),
    };
  });
  if (result === undefined) throw new Error("the program run produced nothing");
  return result;
}

let byDefault: Run;
let withA: Run;
let withB: Run;
/** Step 2 of a rotation: b active, and `pulumi up --replace` gave slot a a new value. */
let withBAfterReplacingA: Run;

beforeAll(async () => {
  byDefault = await runProgramWith(undefined);
  withA = await runProgramWith("a");
  withB = await runProgramWith("b");
  withBAfterReplacingA = await runProgramWith("b", ["tiktok-proxy-shared-secret-a"]);
});

describe("the two shared-secret slots", () => {
  it("have distinct values under the mocks, so the tests below can tell them apart", () => {
    expect(withA.slotA).not.toBe(withA.slotB);
    expect(withB).toMatchObject({ slotA: withA.slotA, slotB: withA.slotB });
  });

  it("make slot a active when activeSharedSecret is unset", () => {
    expect(byDefault.proxySecretHeaders).toEqual(withA.proxySecretHeaders);
    expect(byDefault.proxySharedSecret).toBe(withA.slotA);
  });
});

describe.each([
  ["a", () => withA, () => withA.slotA, () => withA.slotB],
  ["b", () => withB, () => withB.slotB, () => withB.slotA],
])("with slot %s active", (_slot, run, active, other) => {
  it("has the connection send the active slot's value in x-proxy-secret, and not the other's", () => {
    expect(run().proxySecretHeaders).toEqual([{ header: "x-proxy-secret", value: active() }]);
    expect(JSON.stringify(run().proxySecretHeaders)).not.toContain(other());
  });

  it("keeps the header value secret", () => {
    expect(run().headerValuesAreSecret).toEqual([true]);
  });

  it("has the Lambda accept both slots, comma-joined, as a secret", () => {
    const variables = run().lambdaEnvironment.variables as Record<string, string>;
    expect(variables.PROXY_SHARED_SECRET).toBe(`${withA.slotA},${withA.slotB}`);
    expect(run().acceptedSecretsAreSecret).toBe(true);
  });

  it("exports the active slot's value as proxySharedSecret, marked secret", () => {
    expect(run().proxySharedSecret).toBe(active());
    expect(run().proxySharedSecretIsSecret).toBe(true);
  });
});

describe("switching the active slot from a to b (step 1 of a rotation)", () => {
  it("changes what Auth0 sends", () => {
    expect(withB.proxySecretHeaders).not.toEqual(withA.proxySecretHeaders);
  });

  it("leaves the Lambda's environment byte-identical, so the Lambda is not updated at all", () => {
    expect(JSON.stringify(withB.lambdaEnvironment)).toBe(JSON.stringify(withA.lambdaEnvironment));
    expect(JSON.stringify(withB.serializedLambdaEnvironment)).toBe(JSON.stringify(withA.serializedLambdaEnvironment));
  });

  it("only ever has Auth0 send a value the Lambda accepts, before and after the switch", () => {
    const accepted = String((withA.lambdaEnvironment.variables as Record<string, unknown>).PROXY_SHARED_SECRET).split(
      ",",
    );
    for (const run of [withA, withB]) {
      for (const header of run.proxySecretHeaders) expect(accepted).toContain(header.value);
    }
  });
});

describe("replacing the inactive slot a while b is active (step 2 of a rotation)", () => {
  const newSlotA = () => withBAfterReplacingA.slotA;

  it("gives slot a a new value under the mocks", () => {
    // Computed in the run itself, so it is the mock's value for the replaced password.
    expect(newSlotA()).not.toBe(withB.slotA);
  });

  it("leaves the connection's inputs byte-identical, so Auth0 is not updated and keeps sending b", () => {
    expect(withBAfterReplacingA.connectionInputs).toBe(withB.connectionInputs);
    expect(withBAfterReplacingA.proxySecretHeaders).toEqual([{ header: "x-proxy-secret", value: withB.slotB }]);
  });

  it("has the Lambda accept the new a and b, and no longer the old a", () => {
    const variables = withBAfterReplacingA.lambdaEnvironment.variables as Record<string, string>;
    expect(variables.PROXY_SHARED_SECRET).toBe(`${newSlotA()},${withB.slotB}`);
    expect(variables.PROXY_SHARED_SECRET.split(",")).not.toContain(withB.slotA);
  });

  it("keeps b, the value Auth0 sends, in the Lambda's environment before and after the update", () => {
    for (const run of [withB, withBAfterReplacingA]) {
      const accepted = String((run.lambdaEnvironment.variables as Record<string, unknown>).PROXY_SHARED_SECRET).split(
        ",",
      );
      expect(accepted).toContain(withB.slotB);
    }
  });
});
