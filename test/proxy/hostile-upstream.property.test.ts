/**
 * The proxy against a token endpoint that answers anything: random statuses, bodies built from
 * pieces of the request (echoed raw, percent-, double- or form-encoded), malformed tokens and
 * lifetimes, object-valued errors, protocol switches and silences. Whatever comes back, the proxy
 * never throws, never leaks, and answers within its deadline, through both adapters.
 */
import fc from "fast-check";
import {
  continueThenSilence,
  HostileUpstream,
  httpAnswer,
  jsonAnswer,
  RawAnswer,
  silentClose,
  spelledIn,
  startHostileUpstream,
  truncatedAnswer,
  upgradeAnswer,
} from "../support/hostile-upstream";
import { AdapterName, form, RunningProxy, startProxy } from "../support/proxy-harness";

const TIMEOUT_MS = 250;
// Scheduling slack on a loaded 2-core machine; the deadline itself is TIMEOUT_MS.
const SLACK_MS = 750;
const REDIRECT_URI = "https://tenant.example.auth0.com/login/callback";

let upstream: HostileUpstream;
let proxy: RunningProxy;
beforeAll(async () => {
  upstream = await startHostileUpstream();
  proxy = await startProxy({ TIKTOK_TOKEN_URL: upstream.tokenUrl, TIKTOK_TIMEOUT_MS: String(TIMEOUT_MS) });
});
afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
});

const secretText = fc
  .string({ minLength: 6, maxLength: 20, unit: fc.constantFrom(..."abcXYZ019*!~-._%+/=: ") })
  .map((s) => `S3CRET-${s}`);

/** Where an echo comes from: one request field, or the whole raw body. */
const ECHO_SOURCES = ["raw", "client_secret", "code", "refresh_token"] as const;
type EchoSource = (typeof ECHO_SOURCES)[number];
const ENCODINGS: Record<string, (text: string) => string> = {
  as_is: (t) => t,
  percent: encodeURIComponent,
  percent_lower: (t) => encodeURIComponent(t).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  double: (t) => encodeURIComponent(encodeURIComponent(t)),
  form: (t) => new URLSearchParams({ v: t }).toString().slice(2),
};

/** A piece of the upstream's answer: a fixed value, or an echo of the request, resolved per request. */
type Piece = { fixed: unknown } | { echo: EchoSource; encoding: string; prefix: string };
const echo: fc.Arbitrary<Piece> = fc.record({
  echo: fc.constantFrom(...ECHO_SOURCES),
  encoding: fc.constantFrom(...Object.keys(ENCODINGS)),
  prefix: fc.constantFrom("", "act.", "code=", "log-"),
});
const fixed = (...values: unknown[]): fc.Arbitrary<Piece> =>
  fc.constantFrom(...values).map((value) => ({ fixed: value }));

const token = fc.oneof(
  fixed("act.good*token!4994.va", "rft.good*token!4994.va", `act.!#$%&'()*+,-./:;<=>?@[]^_\`{|}~`),
  fixed("", "act.with space", "act.tab\t", "act.é", null, 42, { nested: true }),
  echo,
);
const lifetime = fixed(undefined, 7200, "7200", 0, -1, 1.5, "1.5", "soon", null, true, 2 ** 60);
const logId = fc.oneof(fixed(undefined, "20261125ABCDEF0123", "with space", "a".repeat(150), 7), echo);
const text = fc.oneof(fixed(undefined, "", "Authorization code is expired.", 'quote " and \\ back'), echo);
const errorCode = fc.oneof(
  fixed(
    "invalid_grant",
    "invalid_client",
    "scope_permission_missed",
    "server_error",
    "temporarily_unavailable",
    "internal_error",
    "rate_limit_exceeded",
  ),
  fixed(null, "", 17, ["invalid_grant"]),
  echo,
);

type Template = Record<string, Piece | Record<string, Piece>>;
const successBody: fc.Arbitrary<Template> = fc.record(
  {
    access_token: token,
    refresh_token: token,
    expires_in: lifetime,
    refresh_expires_in: lifetime,
    scope: fc.oneof(fixed("user.info.basic"), echo),
    open_id: fc.oneof(fixed("-000ABC"), echo),
    token_type: fixed("Bearer"),
    error: fixed(undefined, null, ""),
    log_id: logId,
  },
  { requiredKeys: ["access_token"] },
);
const errorBody: fc.Arbitrary<Template> = fc.oneof(
  fc.record({ error: errorCode, error_description: text, log_id: logId }, { requiredKeys: ["error"] }),
  fc.record({ error: fc.record({ code: errorCode, message: text, log_id: logId }), log_id: logId }),
);

type Answer =
  | { kind: "json"; status: number; template: Template }
  | { kind: "text"; status: number; body: Piece }
  | { kind: "raw"; make: () => RawAnswer };
const answer: fc.Arbitrary<Answer> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("json" as const),
      status: fc.constantFrom(200, 200, 200, 201, 302, 400, 401, 429, 500),
      template: fc.oneof(successBody, errorBody),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("text" as const),
      status: fc.constantFrom(200, 429, 502),
      body: fc.oneof(text, fixed("[]", "null", "<html>")),
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(upgradeAnswer, silentClose, truncatedAnswer, continueThenSilence)
      .map((make) => ({ kind: "raw" as const, make })),
  },
);

function resolvePiece(piece: Piece, request: URLSearchParams, raw: string): unknown {
  if ("fixed" in piece) return piece.fixed;
  const source = piece.echo === "raw" ? raw : (request.get(piece.echo) ?? raw);
  return `${piece.prefix}${ENCODINGS[piece.encoding](source)}`;
}

function resolveTemplate(template: Template, request: URLSearchParams, raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(template)) {
    out[name] =
      "fixed" in value || "echo" in value
        ? resolvePiece(value as Piece, request, raw)
        : resolveTemplate(value, request, raw);
  }
  return out;
}

function script(a: Answer, seen: { status?: number }) {
  return (request: URLSearchParams, raw: string): RawAnswer => {
    if (a.kind === "raw") return a.make();
    seen.status = a.status;
    if (a.kind === "text") return httpAnswer(a.status, String(resolvePiece(a.body, request, raw)), "text/plain");
    return jsonAnswer(a.status, resolveTemplate(a.template, request, raw));
  };
}

const scenario = fc.record({
  clientSecret: secretText,
  code: secretText,
  refreshToken: secretText,
  grant: fc.constantFrom("authorization_code", "refresh_token"),
  adapter: fc.constantFrom<AdapterName>("lambda", "local server"),
  answer,
});

describe("the proxy, against a token endpoint that answers anything", () => {
  it("never throws, never leaks a request secret in any spelling, answers within the deadline, and succeeds only on a sound 2xx token answer", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const seen: { status?: number } = {};
        upstream.play(script(sc.answer, seen));
        const fields: Record<string, string> =
          sc.grant === "authorization_code"
            ? { grant_type: sc.grant, code: sc.code, redirect_uri: REDIRECT_URI }
            : { grant_type: sc.grant, refresh_token: sc.refreshToken };
        const logsBefore = proxy.logs.length;
        const started = Date.now();

        const reply = await proxy.send(sc.adapter, {
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: form({ ...fields, client_id: "awhostile", client_secret: sc.clientSecret }),
        });

        expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + SLACK_MS);
        expect([200, 400, 401, 502, 503, 504]).toContain(reply.status);
        expect(reply.headers["cache-control"]).toBe("no-store");
        expect(proxy.logs.length).toBe(logsBefore + 1);
        const log = proxy.logs.at(-1);

        if (reply.status === 200) {
          expect(seen.status).toBeGreaterThanOrEqual(200);
          expect(seen.status).toBeLessThan(300);
          expect(reply.json.access_token).toMatch(/^[\x21-\x7e]+$/);
          if (reply.json.refresh_token !== undefined) expect(reply.json.refresh_token).toMatch(/^[\x21-\x7e]+$/);
          for (const name of ["expires_in", "refresh_expires_in"]) {
            const value = reply.json[name];
            if (value !== undefined) expect(Number.isSafeInteger(value) && (value as number) >= 0).toBe(true);
          }
          expect(log?.outcome).toBe("ok");
        } else {
          expect(Object.keys(reply.json).sort()).toEqual(["error", "error_description"]);
        }
        if (seen.status === 429) expect(reply.status).toBe(503);
        // TikTok's own words never reach Auth0: a refusal names its code, nothing more.
        if (log?.outcome === "tiktok_error") {
          expect(reply.json.error_description).toMatch(
            /^TikTok (refused the request \([A-Za-z0-9_.]+\)|error [A-Za-z0-9_.]+)\.$/,
          );
        }
        if (reply.status >= 500) expect(["upstream_error", "upstream_timeout"]).toContain(log?.outcome);
        if (log?.tiktok_log_id !== undefined) expect(log.tiktok_log_id).toMatch(/^[A-Za-z0-9_.-]{1,100}$/);

        // A refresh grant may legitimately get its own refresh token back; nothing else may come back.
        const { refresh_token: returnedRefresh, ...rest } = reply.json;
        const body = returnedRefresh === sc.refreshToken ? JSON.stringify(rest) : reply.text;
        for (const place of [body, JSON.stringify(reply.headers), JSON.stringify(log)]) {
          for (const secret of [sc.clientSecret, sc.code, sc.refreshToken]) {
            expect(spelledIn(place, secret)).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
