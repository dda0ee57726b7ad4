/**
 * The messages bench children send their parent over the fork IPC channel. The channel carries
 * `unknown`, so each kind has a guard; children are ours, so a shape check is all they need.
 */

export interface ReadyMessage {
  type: "ready";
  url: string;
}

export interface StubStatsMessage {
  type: "stats";
  connections: number;
  requests: number;
}

export interface TimingSummary {
  samples: number;
  meanMs: number;
  medianMs: number;
  /** process.cpuUsage (user + system) divided by the samples. */
  cpuMsPerOp: number;
}

export interface HandlerCostMessage {
  type: "handler-cost";
  handler: TimingSummary;
  raw: TimingSummary;
  /** Handler results that were not a 200 with an access_token. */
  handlerFailures: number;
  /** TCP connections the raw client opened: the rest of the stub's count is the handler's. */
  rawConnections: number;
}

export interface SanityMessage {
  type: "sanity";
  status: "ok" | "failed" | "skipped";
  detail: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isSummary(value: unknown): value is TimingSummary {
  return isRecord(value) && ["samples", "meanMs", "medianMs", "cpuMsPerOp"].every((k) => typeof value[k] === "number");
}

export function isReady(value: unknown): value is ReadyMessage {
  return isRecord(value) && value.type === "ready" && typeof value.url === "string";
}

export function isStubStats(value: unknown): value is StubStatsMessage {
  return (
    isRecord(value) &&
    value.type === "stats" &&
    typeof value.connections === "number" &&
    typeof value.requests === "number"
  );
}

export function isHandlerCost(value: unknown): value is HandlerCostMessage {
  return (
    isRecord(value) &&
    value.type === "handler-cost" &&
    isSummary(value.handler) &&
    isSummary(value.raw) &&
    typeof value.handlerFailures === "number" &&
    typeof value.rawConnections === "number"
  );
}

export function isSanity(value: unknown): value is SanityMessage {
  return (
    isRecord(value) &&
    value.type === "sanity" &&
    (value.status === "ok" || value.status === "failed" || value.status === "skipped") &&
    typeof value.detail === "string"
  );
}

/** Children are always forked with IPC; running one by hand just prints what it would have sent. */
export function sendToParent(message: ReadyMessage | StubStatsMessage | HandlerCostMessage | SanityMessage): void {
  if (process.send) process.send(message);
  else process.stderr.write(`${JSON.stringify(message)}\n`);
}

/** A child must not outlive the bench: when the parent goes, the IPC channel closes. */
export function exitWithParent(): void {
  process.on("disconnect", () => process.exit(0));
}
