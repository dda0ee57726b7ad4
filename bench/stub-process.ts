import path from "node:path";
import { Child, forkTs, pinToCpu, waitForMessage } from "./children";
import { isReady, isStubStats, StubStatsMessage } from "./ipc";

export interface StubProcess {
  tokenUrl: string;
  /** Pins the stub to one CPU (see pinToCpu). */
  pin(cpu: number): void;
  /** Connections and requests the stub has accepted since it started. */
  stats(): Promise<StubStatsMessage>;
}

/** Starts fast-tiktok-stub.ts in its own process; `expectCode` is the code it insists on. */
export async function startStub(expectCode: string): Promise<StubProcess> {
  const child: Child = forkTs(path.join(__dirname, "fast-tiktok-stub.ts"), { STUB_EXPECT_CODE: expectCode });
  const ready = await waitForMessage(child, isReady, 10_000, "TikTok stub");
  return {
    tokenUrl: ready.url,
    pin: (cpu) => pinToCpu(child, cpu),
    stats: () => {
      const answer = waitForMessage(child, isStubStats, 5000, "TikTok stub stats");
      // With a callback, a closed channel (stub gone) is not thrown; the wait above reports it.
      child.process.send("stats", () => undefined);
      return answer;
    },
  };
}
