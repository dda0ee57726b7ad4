import path from "node:path";

/** Every knob of the bench in one place; the sizes keep a full run well under a minute on 2 cores. */
export const REPO_ROOT = path.resolve(__dirname, "..");
export const BUNDLE_FILE = path.join(REPO_ROOT, "dist", "proxy", "index.js");
export const SERVER_FILE = path.join(REPO_ROOT, "dist", "proxy", "server.js");
export const TOKEN_PATH = "/proxy/token";
export const HOST = "127.0.0.1";

export const LOAD = {
  connections: 20,
  warmupSeconds: 1,
  /**
   * The measured time per server, cut into one-second rounds that alternate between the servers:
   * anything else on this shared machine (a test run, say) then slows both alike instead of
   * whichever happened to run at the time.
   */
  rounds: 5,
  roundSeconds: 1,
  /** A request slower than this counts as an error; the upstream stub answers in well under 1 ms. */
  timeoutSeconds: 5,
};

export const HANDLER_COST = {
  /** Paired calls of each; at 3000 the wall-clock mean still moved by ~0.03 ms between runs on a busy machine. */
  iterations: 5000,
  warmupIterations: 300,
  /** Hard stop for the measuring child, whatever happens to the loop. */
  deadlineMs: 30_000,
};

export const COLD_REQUIRE_RUNS = 15;

export const TARGETS = {
  throughputRatio: 3,
  handlerOverheadMs: 0.1,
  bundleBytes: 16 * 1024,
  requireRatio: 1 / 5,
  /** Sequential warm invocations must all share one upstream connection. */
  warmConnections: 1,
};
