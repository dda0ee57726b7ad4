import { AddressInfo } from "node:net";
import http from "node:http";
import { readProxyConfig } from "../../proxy/config";
import { createHandler, FunctionUrlEvent } from "../../proxy/lambda";
import { createLocalServer } from "../../proxy/local-server";
import { RequestLog } from "../../proxy/log";
import { createFormPoster } from "../../proxy/upstream";

/** One request, described once and sent through either adapter. */
export interface ProxyCall {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Lambda only: deliver the body base64-encoded, as function URLs do for binary content types. */
  base64?: boolean;
}

export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: Record<string, unknown>;
}

export type AdapterName = "lambda" | "local server";

export interface RunningProxy {
  send(adapter: AdapterName, call: ProxyCall): Promise<ProxyAnswer>;
  readonly logs: RequestLog[];
  readonly serverUrl: string;
  close(): Promise<void>;
}

function parseJson(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function toBytes(body: string | Uint8Array | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === "string" ? Buffer.from(body, "utf8") : body;
}

/** Starts both adapters around one environment, logging into a list the tests can inspect. */
export async function startProxy(env: Record<string, string>): Promise<RunningProxy> {
  const logs: RequestLog[] = [];
  const deps = { postForm: createFormPoster(), log: (entry: RequestLog) => logs.push(entry) };
  const handler = createHandler(env, deps);
  const server = createLocalServer(readProxyConfig(env), deps);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function viaLambda(call: ProxyCall): Promise<ProxyAnswer> {
    const bytes = Buffer.from(toBytes(call.body));
    // Function URLs deliver bodies that are not text base64-encoded, as AWS does.
    const base64 = call.base64 ?? !Buffer.from(bytes.toString("utf8"), "utf8").equals(bytes);
    const event: FunctionUrlEvent = {
      rawPath: call.path ?? "/proxy/token",
      headers: call.headers,
      body: bytes.toString(base64 ? "base64" : "utf8"),
      isBase64Encoded: base64,
      requestContext: { http: { method: call.method ?? "POST" } },
    };
    const result = await handler(event);
    return { status: result.statusCode, headers: result.headers, text: result.body, json: parseJson(result.body) };
  }

  // node:http rather than fetch: fetch would add its own Content-Type to string bodies.
  function viaServer(call: ProxyCall): Promise<ProxyAnswer> {
    const bytes = toBytes(call.body);
    return new Promise((resolve, reject) => {
      const req = http.request(`${serverUrl}${call.path ?? "/proxy/token"}`, {
        method: call.method ?? "POST",
        headers: { ...call.headers, "content-length": String(bytes.length) },
        agent: false,
      });
      req.on("error", reject);
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === "string") headers[name] = value;
          }
          resolve({ status: res.statusCode ?? 0, headers, text, json: parseJson(text) });
        });
      });
      req.end(bytes);
    });
  }

  return {
    send: (adapter, call) => (adapter === "lambda" ? viaLambda(call) : viaServer(call)),
    logs,
    serverUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
