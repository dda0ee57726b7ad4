/**
 * Upstream answers TikTok is not expected to give, from a scripted endpoint over loopback: the
 * proxy must answer each within its deadline, with the right status, and without passing on
 * anything of the request's secrets that the answer repeats.
 */
import { RequestLog } from "../../proxy/log";
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
import { AdapterName, form, ProxyAnswer, RunningProxy, startProxy } from "../support/proxy-harness";

const CLIENT_KEY = "awhostilekey";
const CLIENT_SECRET = "s3cr:t+/%!value-of-the-client";
const CODE = "C0DE*with!marks~and.more_chars";
const REFRESH_TOKEN = "rft.R3FRESH*token!value";
const REDIRECT_URI = "https://tenant.example.auth0.com/login/callback";
const TIMEOUT_MS = 1500;
const ADAPTERS: AdapterName[] = ["lambda", "local server"];
const SECRETS = [CLIENT_SECRET, CODE, REFRESH_TOKEN];

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

const SUCCESS = {
  access_token: "act.1a2b3c*4d!5e",
  expires_in: 7200,
  open_id: "-000ABCdef",
  refresh_expires_in: 15552000,
  refresh_token: "rft.9z8y*7x!6w",
  scope: "user.info.basic",
  token_type: "Bearer",
};

/** A success whose tokens are made only of characters a plain log id may have, so only redaction can keep them out. */
const ISSUED = {
  ...SUCCESS,
  access_token: "act.9f8e7d6c5b4a3f2e1d0c9b8a7f6e",
  refresh_token: "rft.0a1b2c3d4e5f6a7b8c9d0e1f2a3b",
};

const exchange = {
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: form({
    grant_type: "authorization_code",
    code: CODE,
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_KEY,
    client_secret: CLIENT_SECRET,
  }),
};

const refresh = {
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: form({
    grant_type: "refresh_token",
    refresh_token: REFRESH_TOKEN,
    client_id: CLIENT_KEY,
    client_secret: CLIENT_SECRET,
  }),
};

interface Observed {
  answer: ProxyAnswer;
  log: RequestLog | undefined;
  elapsedMs: number;
}

async function answerTo(
  adapter: AdapterName,
  upstreamAnswer: (form: URLSearchParams, raw: string) => RawAnswer,
  call = exchange,
): Promise<Observed> {
  upstream.play(upstreamAnswer);
  const logsBefore = proxy.logs.length;
  const started = Date.now();
  const answer = await proxy.send(adapter, call);
  const elapsedMs = Date.now() - started;
  expect(proxy.logs.length).toBe(logsBefore + 1);
  const observed = { answer, log: proxy.logs.at(-1), elapsedMs };
  expectNoSecretIn(observed);
  return observed;
}

function expectNoSecretIn({ answer, log }: Observed): void {
  const seen = [answer.text, JSON.stringify(answer.headers), JSON.stringify(log)];
  for (const text of seen) for (const secret of SECRETS) expect(spelledIn(text, secret)).toBe(false);
}

function expectError({ answer }: Observed, status: number, error: string): void {
  expect({ status: answer.status, error: answer.json.error }).toEqual({ status, error });
  expect(Object.keys(answer.json).sort()).toEqual(["error", "error_description"]);
}

describe.each(ADAPTERS)("through the %s adapter", (adapter) => {
  describe("answers that never complete", () => {
    it("answers 502 to a 101 Switching Protocols with Upgrade, well before the deadline", async () => {
      const observed = await answerTo(adapter, upgradeAnswer);
      expectError(observed, 502, "temporarily_unavailable");
      expect(observed.elapsedMs).toBeLessThan(TIMEOUT_MS);
      expect(observed.log).toMatchObject({ outcome: "upstream_error" });
    });

    it("answers 502 when TikTok closes the connection without a byte of answer", async () => {
      expectError(await answerTo(adapter, silentClose), 502, "temporarily_unavailable");
    });

    it("answers 502 when TikTok closes the connection mid-body", async () => {
      expectError(await answerTo(adapter, truncatedAnswer), 502, "temporarily_unavailable");
    });

    it("answers 504 at the deadline to an interim 100 Continue followed by silence", async () => {
      const observed = await answerTo(adapter, continueThenSilence);
      expectError(observed, 504, "temporarily_unavailable");
      expect(observed.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(observed.elapsedMs).toBeLessThan(TIMEOUT_MS + 1000);
      expect(observed.log).toMatchObject({ outcome: "upstream_timeout" });
    });
  });

  describe("status semantics", () => {
    it.each([302, 401, 400, 201])("never turns an HTTP %i carrying an access_token into a success", async (status) => {
      const observed = await answerTo(adapter, () => jsonAnswer(status, SUCCESS));
      if (status === 201) {
        // 2xx is success when the body is one.
        expect(observed.answer.status).toBe(200);
        return;
      }
      expectError(observed, 502, "temporarily_unavailable");
      expect(observed.log).toMatchObject({ outcome: "upstream_error", upstream_status: status });
    });

    it('accepts {"access_token": …, "error": null} as a success', async () => {
      const observed = await answerTo(adapter, () => jsonAnswer(200, { ...SUCCESS, error: null }));
      expect(observed.answer.status).toBe(200);
      expect(observed.answer.json).toEqual(SUCCESS);
      expect(observed.log).toMatchObject({ outcome: "ok" });
    });

    it('accepts an error object whose code is "ok" next to an access_token as a success', async () => {
      const observed = await answerTo(adapter, () =>
        jsonAnswer(200, { ...SUCCESS, error: { code: "ok", message: "", log_id: "20261125ABCDEF" } }),
      );
      expect(observed.answer.status).toBe(200);
      expect(observed.log).toMatchObject({ outcome: "ok", tiktok_log_id: "20261125ABCDEF" });
    });

    it.each([
      ["a JSON error body", { error: "invalid_grant", error_description: "slow down", log_id: "20261125AB" }],
      ["a success body", SUCCESS],
      ["no JSON at all", "Too Many Requests"],
    ])("answers HTTP 429 with %s as 503 temporarily_unavailable, logged as an upstream error", async (_l, body) => {
      const observed = await answerTo(adapter, () =>
        typeof body === "string" ? httpAnswer(429, body, "text/plain") : jsonAnswer(429, body),
      );
      expectError(observed, 503, "temporarily_unavailable");
      expect(observed.log).toMatchObject({
        outcome: "upstream_error",
        error: "temporarily_unavailable",
        upstream_status: 429,
        status: 503,
      });
    });

    it.each([
      ["an empty access_token", { access_token: "" }],
      ["a null access_token", { access_token: null }],
      ["a numeric access_token", { access_token: 12345 }],
      ["an access_token with a space", { access_token: "act.abc def" }],
      ["an access_token with a line break", { access_token: "act.abc\r\nx-injected: 1" }],
      ["an access_token with a non-ASCII character", { access_token: "act.abcé" }],
      ["an access_token with a DEL character", { access_token: "act.abc\u007f" }],
      ["an empty refresh_token", { refresh_token: "" }],
      ["a refresh_token with a tab", { refresh_token: "rft.a\tb" }],
      ["a negative expires_in", { expires_in: -1 }],
      ["a fractional expires_in", { expires_in: 7200.5 }],
      ["a non-numeric expires_in", { expires_in: "two hours" }],
      ["a fractional expires_in as a string", { expires_in: "7200.5" }],
      ["a boolean expires_in", { expires_in: true }],
      ["a negative refresh_expires_in", { refresh_expires_in: -86400 }],
    ])("refuses %s as a bad upstream answer (502)", async (_label, override) => {
      const observed = await answerTo(adapter, () => jsonAnswer(200, { ...SUCCESS, ...override }));
      expectError(observed, 502, "temporarily_unavailable");
      expect(observed.log).toMatchObject({ outcome: "upstream_error", upstream_status: 200 });
    });

    it("passes on tokens with ! * and the rest of printable ASCII, and lifetimes sent as digit strings", async () => {
      const token = `act.!#$%&'()*+,-./:;<=>?@[]^_\`{|}~"\\AZaz09`;
      const observed = await answerTo(adapter, () =>
        jsonAnswer(200, { ...SUCCESS, access_token: token, expires_in: "7200" }),
      );
      expect(observed.answer.status).toBe(200);
      expect(observed.answer.json).toMatchObject({ access_token: token, expires_in: 7200 });
    });
  });

  describe("redaction of everything copied from TikTok's answer", () => {
    it("scrubs an object-valued error ({code, message, log_id}) that repeats the code and the secret", async () => {
      const observed = await answerTo(adapter, () =>
        jsonAnswer(200, {
          error: {
            code: "invalid_grant",
            message: `code ${CODE} is expired; client_secret=${CLIENT_SECRET}`,
            log_id: `log-${CLIENT_SECRET}`,
          },
        }),
      );
      expectError(observed, 400, "invalid_grant");
      // TikTok's free text is never relayed: the description names the code and nothing else.
      expect(observed.answer.json.error_description).toBe("TikTok refused the request (invalid_grant).");
      expect(observed.log?.tiktok_log_id).toBeUndefined();
    });

    it.each([
      ["lower-cased", (secret: string) => secret.toLowerCase()],
      ["base64", (secret: string) => Buffer.from(secret).toString("base64")],
      ["as HTML entities", (secret: string) => [...secret].map((c) => `&#${c.charCodeAt(0)};`).join("")],
      ["spaced out", (secret: string) => [...secret].join(" ")],
    ])("relays none of an echo of the secret %s in TikTok's description", async (_label, spell) => {
      const observed = await answerTo(adapter, () =>
        jsonAnswer(200, { error: "invalid_grant", error_description: `bad secret ${spell(CLIENT_SECRET)}` }),
      );
      expect(observed.answer.json.error_description).toBe("TikTok refused the request (invalid_grant).");
    });

    it("does not log a log_id that carries most of the secret, cut short or re-cased", async () => {
      // The secret's tail, "value-of-the-client", is made of characters a plain log id may have.
      const tail = CLIENT_SECRET.slice(CLIENT_SECRET.indexOf("value"));
      for (const logId of [tail.slice(0, -1), `20261125${tail.slice(2, 12).toUpperCase()}`]) {
        const observed = await answerTo(adapter, () => jsonAnswer(200, { error: "invalid_grant", log_id: logId }));
        expect(observed.log?.tiktok_log_id).toBeUndefined();
      }
    });

    it.each([
      ["rate_limit_exceeded", 503],
      ["internal_error", 502],
    ])("treats TikTok's %s in a 200 body as its outage, not the client's mistake", async (code, status) => {
      const observed = await answerTo(adapter, () =>
        jsonAnswer(200, { error: { code, message: "", log_id: "20261125AB" } }),
      );
      expectError(observed, status, "temporarily_unavailable");
      expect(observed.log).toMatchObject({ outcome: "upstream_error", status });
    });

    it("reads the code and the log id of an object-valued error", async () => {
      const observed = await answerTo(adapter, () =>
        jsonAnswer(200, { error: { code: "invalid_client", message: "bad key", log_id: "20261125FEDCBA" } }),
      );
      expectError(observed, 401, "invalid_client");
      expect(observed.log).toMatchObject({ outcome: "tiktok_error", tiktok_log_id: "20261125FEDCBA" });
    });

    it("scrubs a form-encoded echo of the whole request from error_description", async () => {
      const observed = await answerTo(adapter, (_form, raw) =>
        jsonAnswer(400, { error: "invalid_request", error_description: `received: ${raw}`, log_id: "abc123" }),
      );
      expectError(observed, 400, "invalid_request");
    });

    it("scrubs a double-encoded echo and a lower-case percent-encoded echo", async () => {
      const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
      const observed = await answerTo(adapter, () =>
        jsonAnswer(200, {
          error: "invalid_grant",
          error_description: `${encodeURIComponent(encodeURIComponent(CLIENT_SECRET))} ${lowerHex(encodeURIComponent(CODE))}`,
        }),
      );
      expectError(observed, 400, "invalid_grant");
    });

    it("does not log a log_id that is not a plain log id, nor one that repeats a secret", async () => {
      for (const logId of [`x ${CODE}`, "line\nbreak", "a".repeat(101), CLIENT_SECRET, encodeURIComponent(CODE)]) {
        const observed = await answerTo(adapter, () =>
          jsonAnswer(200, { error: "invalid_grant", error_description: "no", log_id: logId }),
        );
        expect(observed.log?.tiktok_log_id).toBeUndefined();
      }
    });

    it("refuses an error code that repeats a secret, naming no code at all", async () => {
      const observed = await answerTo(adapter, () => jsonAnswer(200, { error: CLIENT_SECRET }));
      expectError(observed, 502, "temporarily_unavailable");
    });

    it("refuses a success whose fields repeat a secret of the request", async () => {
      for (const override of [
        { access_token: `act.${CODE}` },
        { refresh_token: CLIENT_SECRET },
        { scope: encodeURIComponent(CODE) },
        { open_id: CLIENT_SECRET },
      ]) {
        const observed = await answerTo(adapter, () => jsonAnswer(200, { ...SUCCESS, ...override }));
        expectError(observed, 502, "temporarily_unavailable");
      }
    });

    it.each([
      ["its access token", (token: typeof ISSUED) => token.access_token],
      ["its access token upper-cased", (token: typeof ISSUED) => token.access_token.toUpperCase()],
      ["its refresh token", (token: typeof ISSUED) => token.refresh_token],
      ["a stretch of its refresh token", (token: typeof ISSUED) => `20261125${token.refresh_token.slice(4, 16)}`],
    ])("does not log a log_id that repeats %s, on the success that issues it", async (_label, echo) => {
      const observed = await answerTo(adapter, () => jsonAnswer(200, { ...ISSUED, log_id: echo(ISSUED) }));
      expect(observed.answer.status).toBe(200);
      expect(observed.log).toMatchObject({ outcome: "ok" });
      expect(observed.log?.tiktok_log_id).toBeUndefined();
      const logged = JSON.stringify(observed.log).toLowerCase();
      expect(logged).not.toContain(ISSUED.access_token.toLowerCase());
      expect(logged).not.toContain(ISSUED.refresh_token.toLowerCase());
    });

    it("does not log a log_id that repeats a token carried by an error answer", async () => {
      const observed = await answerTo(adapter, () =>
        jsonAnswer(200, { error: "invalid_grant", access_token: ISSUED.access_token, log_id: ISSUED.access_token }),
      );
      expectError(observed, 400, "invalid_grant");
      expect(observed.log?.tiktok_log_id).toBeUndefined();
    });

    it("reads a success that starts with a UTF-8 byte order mark", async () => {
      const observed = await answerTo(adapter, () => httpAnswer(200, `\uFEFF${JSON.stringify(SUCCESS)}`));
      expect(observed.answer.status).toBe(200);
      expect(observed.answer.json).toEqual(SUCCESS);
    });

    it("lets a refresh answer hand back the same refresh token, which is not a leak", async () => {
      upstream.play(() => jsonAnswer(200, { ...SUCCESS, refresh_token: REFRESH_TOKEN }));
      const answer = await proxy.send(adapter, refresh);
      expect(answer.status).toBe(200);
      expect(answer.json.refresh_token).toBe(REFRESH_TOKEN);
    });
  });
});
