import { LOAD, TARGETS } from "./config";
import { auth0FormBody, FORM_HEADERS, hasAccessToken } from "./fixtures";
import { emptyTally, LoadTally, runLoad } from "./load";
import { RunningServer, startOursAndBaseline } from "./servers";
import { percentile } from "./stats";
import { StubProcess } from "./stub-process";
import { num, Row, verdict } from "./table";

interface Contender {
  name: string;
  server: RunningServer;
  tally: LoadTally;
  /** What the stub saw while this contender was under load (warm-up included). */
  upstreamConnections: number;
  upstreamRequests: number;
}

/** One real request first: a proxy that answers wrongly should fail loudly, not just run fast. */
async function probe({ server, name }: Contender): Promise<void> {
  const response = await fetch(server.url, { method: "POST", headers: FORM_HEADERS, body: auth0FormBody() });
  const body = await response.text();
  if (response.status !== 200 || !hasAccessToken(body)) {
    throw new Error(`${name} answered ${response.status} to a valid exchange: ${body.slice(0, 200)}`);
  }
}

/** Runs load on one contender alone and charges the stub's new connections and requests to it. */
async function loadAlone(contender: Contender, stub: StubProcess, seconds: number, measured: boolean): Promise<void> {
  const before = await stub.stats();
  await runLoad(contender.server.url, seconds, measured ? contender.tally : undefined);
  const after = await stub.stats();
  contender.upstreamConnections += after.connections - before.connections;
  contender.upstreamRequests += after.requests - before.requests;
}

async function measure(ours: Contender, baseline: Contender, stub: StubProcess): Promise<void> {
  for (const contender of [ours, baseline]) {
    await probe(contender);
    await loadAlone(contender, stub, LOAD.warmupSeconds, false);
  }
  for (let round = 0; round < LOAD.rounds; round++) {
    const order = round % 2 === 0 ? [ours, baseline] : [baseline, ours];
    for (const contender of order) await loadAlone(contender, stub, LOAD.roundSeconds, true);
  }
}

const rate = (t: LoadTally) => t.completed / t.seconds;
const latency = (t: LoadTally) => `${num(percentile(t.latenciesMs, 50), 2)} / ${num(percentile(t.latenciesMs, 99), 2)}`;
const failures = (t: LoadTally) => `${t.non2xx} / ${t.errors} / ${t.mismatches}`;
const clean = (t: LoadTally) => t.completed > 0 && t.non2xx === 0 && t.errors === 0 && t.mismatches === 0;
const connections = (c: Contender) => `${c.upstreamConnections} for ${num(c.upstreamRequests)} req`;

/** Sections 1 and 5b: our built local server against the Express baseline, same stub, same load. */
export async function throughputRows(stub: StubProcess): Promise<Row[]> {
  const contender = (name: string, server: RunningServer): Contender => ({
    name,
    server,
    tally: emptyTally(),
    upstreamConnections: 0,
    upstreamRequests: 0,
  });
  const [ourServer, baselineServer] = await startOursAndBaseline(stub.tokenUrl);
  const ours = contender("dist/proxy/server.js", ourServer);
  const baseline = contender("Express baseline", baselineServer);
  try {
    await measure(ours, baseline, stub);
  } finally {
    await Promise.all([ourServer.stop(), baselineServer.stop()]);
  }

  const ratio = rate(ours.tally) / rate(baseline.tally);
  const seconds = LOAD.rounds * LOAD.roundSeconds;
  return [
    {
      section: "1",
      measure: `local server, ${LOAD.connections} conns, ${seconds} x 1 s alternating (req/s)`,
      ours: `${num(rate(ours.tally))} (${num(ratio, 2)}x)`,
      reference: `${num(rate(baseline.tally))} Express`,
      target: `>= ${TARGETS.throughputRatio}x baseline`,
      verdict: verdict(ratio >= TARGETS.throughputRatio),
    },
    {
      section: "1",
      measure: "  latency p50 / p99 (ms)",
      ours: latency(ours.tally),
      reference: latency(baseline.tally),
      target: "",
      verdict: "info",
    },
    {
      section: "1",
      measure: "  non-2xx / errors / 2xx without token",
      ours: failures(ours.tally),
      reference: failures(baseline.tally),
      target: "0 / 0 / 0",
      verdict: verdict(clean(ours.tally)),
    },
    {
      section: "5",
      measure: "upstream TCP conns, local-server load",
      ours: connections(ours),
      reference: `${connections(baseline)} Express`,
      target: `<= ${LOAD.connections} (its concurrency)`,
      verdict: verdict(ours.upstreamConnections <= LOAD.connections),
    },
  ];
}
