/**
 * The BASELINE: a token proxy of the design in Auth0's sample, i.e. what one writes by default.
 * Express 5 with both body parsers, rename client_id to client_key, forward as a form with the
 * global fetch, and relay TikTok's JSON. No validation, no logging: it does less than ours.
 *
 * Runs in its own process; reports its URL over IPC. Upstream: TIKTOK_TOKEN_URL.
 */
import express from "express";
import { AddressInfo } from "node:net";
import { exitWithParent, sendToParent } from "./ipc";

const tokenUrl = process.env.TIKTOK_TOKEN_URL;
if (!tokenUrl) throw new Error("TIKTOK_TOKEN_URL is required");

/** The parsed body with the string fields only (the sample trusts it blindly; strict TS may not). */
function stringFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof body !== "object" || body === null) return out;
  for (const [name, value] of Object.entries(body)) if (typeof value === "string") out[name] = value;
  return out;
}

const app = express();
app.use(express.json());
app.use(express.urlencoded({ extended: true }));
app.post("/proxy/token", async (req, res) => {
  const { client_id, ...rest } = stringFields(req.body);
  const upstream = await fetch(tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...rest, client_key: client_id ?? "" }),
  });
  res.status(upstream.status).json(await upstream.json());
});

exitWithParent();
const server = app.listen(0, "127.0.0.1", (err) => {
  if (err) throw err;
  const { port } = server.address() as AddressInfo;
  sendToParent({ type: "ready", url: `http://127.0.0.1:${port}/proxy/token` });
});
