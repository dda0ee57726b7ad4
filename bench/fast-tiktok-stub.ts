/**
 * A bench-only stand-in for TikTok's token endpoint that answers every well-formed exchange with
 * success. The real emulator (test/support) makes codes single-use, so a load test against it
 * would measure invalid_grant answers; this one checks the form and always issues a token.
 *
 * Run in its own process (see stub-process.ts) so it does not share the bench's event loop.
 * Reports readiness and, on request, its connection count over IPC.
 */
import http from "node:http";
import { AddressInfo } from "node:net";
import { exitWithParent, sendToParent } from "./ipc";

const TOKEN_PATH = "/v2/oauth/token/";
const REQUIRED_FIELDS = ["client_key", "client_secret", "code"];
/** When set, a code that arrives altered (double-encoded `*` or `!`) is refused like TikTok would. */
const expectedCode = process.env.STUB_EXPECT_CODE || undefined;

// TikTok's flat success shape (no `data` wrapper). Fixed, so serialised once.
const SUCCESS = Buffer.from(
  JSON.stringify({
    access_token: "act.bench0000000000000000000000000000000000000000000000000000!4321",
    expires_in: 86400,
    open_id: "_000bench-open-id-0000000000000000000",
    refresh_expires_in: 31536000,
    refresh_token: "rft.bench0000000000000000000000000000000000000000000000000000!4321",
    scope: "user.info.basic,user.info.profile",
    token_type: "Bearer",
  }),
);
const JSON_HEADERS = { "content-type": "application/json" };

let connections = 0;
let requests = 0;

function answerError(res: http.ServerResponse, status: number, error: string, description: string): void {
  // A non-2xx status (TikTok often uses 200) so a broken proxy shows up in every non-2xx count.
  res.writeHead(status, JSON_HEADERS);
  res.end(JSON.stringify({ error, error_description: description, log_id: "bench-stub" }));
}

const server = http.createServer((req, res) => {
  requests++;
  if (req.method !== "POST" || req.url !== TOKEN_PATH) {
    answerError(res, 404, "invalid_request", `only POST ${TOKEN_PATH} exists here`);
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const missing = REQUIRED_FIELDS.find((name) => !form.get(name));
    if (missing) return answerError(res, 400, "invalid_request", `${missing} is missing`);
    if (expectedCode !== undefined && form.get("code") !== expectedCode) {
      return answerError(res, 400, "invalid_grant", "the code arrived altered");
    }
    res.writeHead(200, { ...JSON_HEADERS, "content-length": SUCCESS.length });
    res.end(SUCCESS);
  });
});
server.on("connection", () => connections++);
// Longer than any pause between bench phases, so an idle pooled socket is never closed under a
// client that is about to reuse it (which would show up as a reset, not as a proxy cost).
server.keepAliveTimeout = 65_000;

exitWithParent();
process.on("message", (message: unknown) => {
  if (message === "stats") sendToParent({ type: "stats", connections, requests });
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  sendToParent({ type: "ready", url: `http://127.0.0.1:${port}${TOKEN_PATH}` });
});
