/**
 * Proof that the bench measures a working proxy: one real code exchange through the built bundle's
 * handler against the TikTok emulator of the tests (single-use codes, real validation), then a
 * replay of the same code, which TikTok refuses and the proxy must turn into a 400 invalid_grant.
 *
 * Own process, stdout to /dev/null; reports one SanityMessage. A missing or broken emulator is
 * "skipped", not a failure of the proxy.
 */
import { functionUrlEvent, loadBundleHandler } from "./bundle";
import { auth0FormBody, CLIENT_KEY, CLIENT_SECRET, REDIRECT_URI } from "./fixtures";
import { exitWithParent, SanityMessage, sendToParent } from "./ipc";

type EmulatorModule = typeof import("../test/support/tiktok-emulator");

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function check(): Promise<Omit<SanityMessage, "type">> {
  let emulatorModule: EmulatorModule;
  try {
    emulatorModule = await import("../test/support/tiktok-emulator");
  } catch (err) {
    return { status: "skipped", detail: `emulator did not load: ${errorText(err).split("\n")[0]}` };
  }
  const start: unknown = emulatorModule.startTikTokEmulator;
  if (typeof start !== "function") return { status: "skipped", detail: "emulator not implemented yet" };

  const emulator = await emulatorModule.startTikTokEmulator({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
  });
  try {
    // The bundle reads its config when loaded, so the upstream must be set before the require.
    process.env.TIKTOK_TOKEN_URL = emulator.tokenUrl;
    const handler = loadBundleHandler();
    const event = functionUrlEvent(auth0FormBody(emulator.issueCode({ redirectUri: REDIRECT_URI })));

    const first = await handler(event);
    const token: unknown = JSON.parse(first.body);
    const issued = typeof token === "object" && token !== null && "access_token" in token && "token_type" in token;
    if (first.statusCode !== 200 || !issued) {
      return { status: "failed", detail: `exchange answered ${first.statusCode}: ${first.body.slice(0, 200)}` };
    }
    const replay = await handler(event);
    if (replay.statusCode !== 400 || !replay.body.includes('"invalid_grant"')) {
      return { status: "failed", detail: `replayed code answered ${replay.statusCode}: ${replay.body.slice(0, 200)}` };
    }
    const connections = emulator.connectionCount;
    return {
      status: connections === 1 ? "ok" : "failed",
      detail: `200 + token; replay 400 invalid_grant; ${connections} conn`,
    };
  } finally {
    await emulator.close();
  }
}

exitWithParent();
check()
  .then((result) => sendToParent({ type: "sanity", ...result }))
  .catch((err: unknown) => sendToParent({ type: "sanity", status: "failed", detail: errorText(err).slice(0, 200) }));
