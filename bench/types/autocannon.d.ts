/**
 * The slice of autocannon 9's programmatic API the bench uses. autocannon ships no types, and a
 * hand-written declaration of what we call keeps `tsc --noEmit` strict without pulling in a package.
 */
declare module "autocannon" {
  interface Options {
    url: string;
    method?: "GET" | "POST";
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds before a request counts as a timeout (and an error). */
    timeout?: number;
    /** A false return counts the response in `mismatches`. */
    verifyBody?: (body: string) => boolean;
  }

  interface Result {
    /** Seconds. */
    duration: number;
    /** `total`: completed requests over the whole run. */
    requests: { total: number };
    /** Connection errors, timeouts included. */
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
  }

  interface Instance extends PromiseLike<Result> {
    stop(): void;
    /** Every response of the run; responseTime in ms, sub-ms precision. */
    on(
      event: "response",
      listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
    ): Instance;
  }

  function autocannon(options: Options): Instance;
  export = autocannon;
}
