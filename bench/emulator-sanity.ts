import path from "node:path";
import { forkTs, stopChild, waitForMessage } from "./children";
import { isSanity, SanityMessage } from "./ipc";
import { Row } from "./table";

/** The real-emulator exchange (emulator-sanity-child.ts), as one row. */
export async function emulatorSanityRow(): Promise<Row> {
  const child = forkTs(path.join(__dirname, "emulator-sanity-child.ts"));
  let result: SanityMessage;
  try {
    result = await waitForMessage(child, isSanity, 15_000, "emulator sanity child");
  } finally {
    await stopChild(child.process);
  }
  return {
    section: "0",
    measure: "real code exchange via bundle + emulator",
    ours: result.detail,
    reference: "",
    target: "works",
    verdict: result.status === "ok" ? "PASS" : result.status === "skipped" ? "skip" : "FAIL",
  };
}
