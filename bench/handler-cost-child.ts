/**
 * Measures, in a process of its own, what one warm invocation of the built Lambda handler costs
 * beyond the upstream round trip it cannot avoid. Reference: the same form POSTed to the same stub
 * with the same kind of client (node:http, keep-alive Agent), doing nothing else.
 *
 * stdout is /dev/null (see children.ts): the handler's one console.info per request stays in the
 * measurement, because it is part of what the Lambda pays. console is first replaced by the JSON
 * formatter Lambda's runtime client installs (lambda-console.ts), so it is that cost, not Node's.
 * Env: TIKTOK_TOKEN_URL (the stub), read by the bundle when it is loaded.
 */
import http from "node:http";
import { functionUrlEvent, loadBundleHandler } from "./bundle";
import { HANDLER_COST } from "./config";
import { installLambdaJsonConsole } from "./lambda-console";
import { auth0FormBody, FORM_HEADERS, hasAccessToken, tiktokFormBody } from "./fixtures";
import { exitWithParent, sendToParent, TimingSummary } from "./ipc";
import { mean, median } from "./stats";

const tokenUrl = new URL(process.env.TIKTOK_TOKEN_URL ?? "");
const deadline = Date.now() + HANDLER_COST.deadlineMs;

let invocations = 0;
installLambdaJsonConsole(() => `00000000-0000-4000-8000-${String(invocations).padStart(12, "0")}`);
const handler = loadBundleHandler();
const event = functionUrlEvent(auth0FormBody());
let handlerFailures = 0;

async function invokeHandler(): Promise<void> {
  invocations++;
  const result = await handler(event);
  if (result.statusCode !== 200 || !hasAccessToken(result.body)) handlerFailures++;
}

const rawAgent = new http.Agent({ keepAlive: true });
const rawPayload = tiktokFormBody();
const rawHeaders = { ...FORM_HEADERS, "content-length": Buffer.byteLength(rawPayload), accept: "application/json" };
let rawConnections = 0;

/** The least a client can do for one exchange: send, read the whole body as text. */
function rawPost(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(tokenUrl, { method: "POST", agent: rawAgent, headers: rawHeaders }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        if (response.statusCode === 200 && hasAccessToken(body)) resolve();
        else reject(new Error(`stub answered ${response.statusCode}: ${body.slice(0, 200)}`));
      });
      response.on("error", reject);
    });
    request.on("socket", () => {
      if (!request.reusedSocket) rawConnections++;
    });
    request.on("error", reject);
    request.end(rawPayload);
  });
}

interface Accumulator {
  samplesMs: number[];
  cpuMicros: number;
}

const emptyAccumulator = (): Accumulator => ({ samplesMs: [], cpuMicros: 0 });

/** Times one call: wall clock, and this process's CPU (which time spent preempted does not count). */
async function timeOne(op: () => Promise<void>, into: Accumulator): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  await op();
  into.samplesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
  const cpu = process.cpuUsage(cpuBefore);
  into.cpuMicros += cpu.user + cpu.system;
}

function summarize(acc: Accumulator): TimingSummary {
  return {
    samples: acc.samplesMs.length,
    meanMs: mean(acc.samplesMs),
    medianMs: median(acc.samplesMs),
    cpuMsPerOp: acc.cpuMicros / 1000 / acc.samplesMs.length,
  };
}

/**
 * Handler and raw POST strictly alternate, one call each per step, first one then the other:
 * whatever else the machine does at that moment (other processes, GC, CPU clock) lands on both
 * alike, so the difference of the two means stays a paired, fair estimate.
 */
async function alternate(steps: number, handlerAcc: Accumulator, rawAcc: Accumulator): Promise<void> {
  for (let step = 0; step < steps && Date.now() < deadline; step++) {
    if (step % 2 === 0) {
      await timeOne(invokeHandler, handlerAcc);
      await timeOne(rawPost, rawAcc);
    } else {
      await timeOne(rawPost, rawAcc);
      await timeOne(invokeHandler, handlerAcc);
    }
  }
}

async function main(): Promise<void> {
  await alternate(HANDLER_COST.warmupIterations, emptyAccumulator(), emptyAccumulator());
  handlerFailures = 0;
  const handlerAcc = emptyAccumulator();
  const rawAcc = emptyAccumulator();
  await alternate(HANDLER_COST.iterations, handlerAcc, rawAcc);
  sendToParent({
    type: "handler-cost",
    handler: summarize(handlerAcc),
    raw: summarize(rawAcc),
    handlerFailures,
    rawConnections,
  });
  rawAgent.destroy();
}

exitWithParent();
main().catch((err: unknown) => {
  process.stderr.write(`handler-cost: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
