import crypto from "node:crypto";
import { sharedSecretMatches } from "../../proxy/token-proxy";

/**
 * The x-proxy-secret check on its own. Which values match is also tested through both adapters
 * (token-proxy.test.ts); here, how: in constant time per comparison, and against every accepted
 * value whatever matched, so the time taken does not tell an attacker which slot is which.
 */

const SLOT_A = "SlotASecret0123456789abcdefghijklmnopqrstuvwxyzAB";
const SLOT_B = "SlotBSecret0123456789abcdefghijklmnopqrstuvwxyzAB";

afterEach(() => jest.restoreAllMocks());

describe("sharedSecretMatches", () => {
  it.each([
    ["the first accepted value", SLOT_A, true],
    ["the second accepted value", SLOT_B, true],
    ["another value", "SlotCSecret0123456789abcdefghijklmnopqrstuvwxyzAB", false],
    ["an empty value", "", false],
    ["no value", undefined, false],
  ])("decides %s", (_label, received, expected) => {
    expect(sharedSecretMatches([SLOT_A, SLOT_B], received)).toBe(expected);
  });

  it("matches nothing when no value is accepted (the caller then requires no header at all)", () => {
    expect(sharedSecretMatches([], SLOT_A)).toBe(false);
  });

  it.each([
    ["the first value matches", SLOT_A],
    ["the last value matches", "SlotC"],
    ["no value matches", "none of them"],
  ])("compares with every accepted value, 32-byte digests each time, when %s", (_label, received) => {
    const compare = jest.spyOn(crypto, "timingSafeEqual");

    sharedSecretMatches([SLOT_A, SLOT_B, "SlotC"], received);

    expect(compare).toHaveBeenCalledTimes(3);
    for (const [expected, actual] of compare.mock.calls) {
      expect([(expected as Buffer).length, (actual as Buffer).length]).toEqual([32, 32]);
    }
  });
});
