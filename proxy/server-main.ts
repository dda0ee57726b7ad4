import { AddressInfo } from "node:net";
import { displayUrl, insecureUpstreamWarning, ProxyConfig, ProxyConfigError, readProxyConfig } from "./config";
import { createLocalServer } from "./local-server";
import { jsonLineLogger } from "./log";
import { TOKEN_PATH } from "./token-proxy";
import { createFormPoster } from "./upstream";

const DEFAULT_PORT = 3333;

function exitWith(message: string): never {
  process.stderr.write(`tiktok-auth0 proxy: ${message}\n`);
  process.exit(1);
}

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw === "") return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    exitWith(`PORT must be a whole number from 0 to 65535, got "${raw}". Unset it for ${DEFAULT_PORT}.`);
  }
  return port;
}

/** Says how many values are accepted, never which: the banner may end up in a terminal log. */
function sharedSecretNote(count: number): string {
  if (count === 0) return "no shared secret (set PROXY_SHARED_SECRET to require one; comma-separate several)";
  return `x-proxy-secret required (${count === 1 ? "1 accepted value" : `any of ${count} accepted values`})`;
}

// A reader that goes away (`npm start | head -1`, a closed terminal pipe) makes writes fail with
// EPIPE, emitted as an 'error' event; unhandled, it would end the server. Losing log lines is better.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

let config: ProxyConfig;
try {
  config = readProxyConfig(process.env);
} catch (err) {
  exitWith(err instanceof ProxyConfigError ? err.message : String(err));
}
const port = readPort(process.env.PORT);
// Loopback by default: a dev proxy that relays client secrets has no business on the LAN.
const host = process.env.HOST || "127.0.0.1";

const server = createLocalServer(config, { postForm: createFormPoster(), log: jsonLineLogger });
server.on("error", (err: NodeJS.ErrnoException) => {
  exitWith(
    err.code === "EADDRINUSE"
      ? `port ${port} is already in use; set PORT to another port.`
      : `server error: ${err.message}`,
  );
});
server.listen(port, host, () => {
  const { port: bound } = server.address() as AddressInfo;
  const warning = insecureUpstreamWarning(config.tiktokTokenUrl);
  const notes = [
    `upstream ${displayUrl(config.tiktokTokenUrl)}`,
    config.tiktokClientKey ? "client key pinned" : "any client key (set TIKTOK_CLIENT_KEY to pin one)",
    sharedSecretNote(config.sharedSecrets.length),
    ...(warning ? [`warning: ${warning}`] : []),
  ];
  process.stderr.write(
    `tiktok-auth0 proxy listening on http://${host}:${bound}${TOKEN_PATH}\n  ${notes.join("\n  ")}\n`,
  );
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
