/**
 * A minimal Lambda Runtime API over loopback: the three routes a runtime interface client uses
 * (GET next, POST response, POST error) plus init/error, which is what Lambda itself serves on
 * AWS_LAMBDA_RUNTIME_API. See docs/lambda-runtime.md.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

const PREFIX = "/2018-06-01/runtime";
export const FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:tiktok-auth0-test-token-proxy";

export interface Invocation {
  requestId: string;
  /** What the runtime posted: a response, or an error report. */
  kind: "response" | "error";
  payload: unknown;
}

export interface RuntimeApi {
  /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
  readonly address: string;
  /** Hands `event` to the runtime's next GET next, and resolves with what it posts back. */
  invoke(event: unknown): Promise<Invocation>;
  /** Errors the runtime reported before it could take invocations. */
  readonly initErrors: unknown[];
  close(): Promise<void>;
}

interface Pending {
  requestId: string;
  body: string;
  settle: (invocation: Invocation) => void;
}

export async function startRuntimeApi(deadlineMs = 30_000): Promise<RuntimeApi> {
  const queue: Pending[] = [];
  const inFlight = new Map<string, Pending>();
  const waiting: http.ServerResponse[] = [];
  const initErrors: unknown[] = [];

  function deliver(res: http.ServerResponse, next: Pending): void {
    inFlight.set(next.requestId, next);
    res.writeHead(200, {
      "content-type": "application/json",
      "lambda-runtime-aws-request-id": next.requestId,
      "lambda-runtime-deadline-ms": String(Date.now() + deadlineMs),
      "lambda-runtime-invoked-function-arn": FUNCTION_ARN,
      "lambda-runtime-trace-id": `Root=1-${Date.now().toString(16)}-${randomUUID().replace(/-/g, "").slice(0, 24)}`,
    });
    res.end(next.body);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = req.url ?? "";
      const text = Buffer.concat(chunks).toString("utf8");
      const parse = (): unknown => {
        try {
          return JSON.parse(text);
        } catch {
          return text;
        }
      };
      if (req.method === "GET" && url === `${PREFIX}/invocation/next`) {
        const next = queue.shift();
        if (next) deliver(res, next);
        else waiting.push(res); // long poll, as Lambda does
        return;
      }
      const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
      if (req.method === "POST" && match) {
        const pending = inFlight.get(decodeURIComponent(match[1]));
        if (!pending) {
          res.writeHead(400).end();
          return;
        }
        inFlight.delete(pending.requestId);
        res.writeHead(202, { "content-type": "application/json" }).end('{"status":"OK"}');
        pending.settle({ requestId: pending.requestId, kind: match[2] as Invocation["kind"], payload: parse() });
        return;
      }
      if (req.method === "POST" && url === `${PREFIX}/init/error`) {
        initErrors.push(parse());
        res.writeHead(202).end();
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    initErrors,
    invoke: (event) =>
      new Promise<Invocation>((settle) => {
        const pending = { requestId: randomUUID(), body: JSON.stringify(event), settle };
        const res = waiting.shift();
        if (res) deliver(res, pending);
        else queue.push(pending);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of waiting.splice(0)) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
