import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for Auth0's `GET /authorize` with a custom social connection, over loopback: when the
 * connection, application and callback match, it 302s to TikTok's authorize URL as Auth0 builds it;
 * otherwise it answers 400 with an error page, as Auth0 does. The redirect can be made wrong in the
 * ways a hand-edited connection goes wrong.
 */

/** How the redirect to TikTok is built: right, or broken like a connection edited by hand. */
export type TikTokRedirectStyle =
  | "v2" // what the stack declares
  | "client_id_only" // upstream_params lost: client_id and no client_key
  | "space_separated_scopes" // scopes as separate elements, joined with spaces
  | "v1"; // TikTok's dead v1 authorize URL

export interface FakeAuth0Options {
  connectionName: string;
  /** The one application the connection is enabled for. */
  clientId: string;
  /** That application's Allowed Callback URLs. */
  allowedCallbacks: string[];
  tiktokClientKey: string;
  scopes: string[];
}

export interface FakeAuth0 {
  /** http://127.0.0.1:<port>, standing in for https://<tenant>. */
  readonly baseUrl: string;
  setRedirectStyle(style: TikTokRedirectStyle): void;
  close(): Promise<void>;
}

const TIKTOK_AUTHORIZE = {
  v2: "https://www.tiktok.com/v2/auth/authorize/",
  v1: "https://www.tiktok.com/auth/authorize/",
};

export async function startFakeAuth0Authorize(options: FakeAuth0Options): Promise<FakeAuth0> {
  let style: TikTokRedirectStyle = "v2";
  let baseUrl = "";

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", baseUrl);
    const q = url.searchParams;
    const refuse = (description: string) => {
      res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      res.end(`<html><body><h1>invalid_request</h1><p>${description}</p></body></html>`);
    };
    if (req.method !== "GET" || url.pathname !== "/authorize") return refuse("Not found.");
    if (q.get("client_id") !== options.clientId) return refuse("Unknown client.");
    if (!options.allowedCallbacks.includes(q.get("redirect_uri") ?? "")) return refuse("Callback URL mismatch.");
    if (q.get("connection") !== options.connectionName)
      return refuse("The connection does not exist or is not enabled for this client.");
    if (q.get("response_type") !== "code") return refuse("Unsupported response type.");

    const tiktok = new URL(style === "v1" ? TIKTOK_AUTHORIZE.v1 : TIKTOK_AUTHORIZE.v2);
    if (style !== "client_id_only") tiktok.searchParams.set("client_key", options.tiktokClientKey);
    tiktok.searchParams.set("scope", options.scopes.join(style === "space_separated_scopes" ? " " : ","));
    tiktok.searchParams.set("response_type", "code");
    tiktok.searchParams.set("redirect_uri", `${baseUrl}/login/callback`);
    tiktok.searchParams.set("state", randomBytes(12).toString("base64url"));
    // Auth0 (like passport-oauth2) always adds client_id; TikTok ignores it next to client_key.
    tiktok.searchParams.set("client_id", options.tiktokClientKey);
    res.writeHead(302, { location: tiktok.toString(), "content-length": 0 });
    res.end();
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    setRedirectStyle: (next) => void (style = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
