import { createHash } from "node:crypto";
import * as fs from "node:fs";

/**
 * A resource's inputs as the engine compares them on an update, from what the mocks recorded
 * (`RecordedResource.serialized`), made comparable across releases:
 * - a secret stays marked as one, with its value;
 * - a file asset counts by its content, never its path: the engine hashes an archive's entries by name
 *   and content (sdk/go/common/resource/archive), so moving the bundle's file changes nothing;
 * - the mocks' RandomPassword values, which they derive from the resource's name, are replaced by the
 *   slot they stand for: a real password comes from state and survives a rename through an alias.
 */

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export function comparableInputs(serialized: unknown, passwords: Record<string, string>): unknown {
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") {
      let text = value;
      for (const [password, slot] of Object.entries(passwords)) text = text.split(password).join(slot);
      return text;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (record[SIG_KEY] === SECRET_SIG) return { secret: walk(record.value) };
      if (record[SIG_KEY] === ASSET_SIG && typeof record.path === "string") {
        return { asset: createHash("sha256").update(fs.readFileSync(record.path)).digest("hex") };
      }
      return Object.fromEntries(
        Object.keys(record)
          .sort()
          .map((key) => [key, walk(record[key])]),
      );
    }
    return value;
  };
  return walk(serialized);
}

/** A short fingerprint of {@link comparableInputs}, for a committed baseline. */
export function inputsFingerprint(serialized: unknown, passwords: Record<string, string>): string {
  return createHash("sha256")
    .update(JSON.stringify(comparableInputs(serialized, passwords)))
    .digest("hex")
    .slice(0, 16);
}
