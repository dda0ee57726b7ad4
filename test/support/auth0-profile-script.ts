import axios, { AxiosInstance } from "axios";
import vm from "node:vm";

/**
 * Runs a fetchUserProfile script the way Auth0 runs it: the script's text evaluated as one function
 * in a sandbox whose `require` offers only axios, called with the access token, the token response
 * as `context`, and a callback. The real axios is used; every request it makes to TikTok's API is
 * sent to a stand-in (the emulator) instead, and any other URL fails the call.
 */

/** Where the script's requests go in production; rewritten to the stand-in here. */
export const TIKTOK_API_ORIGIN = "https://open.tiktokapis.com";

/** What the script hands to Auth0: its normalized profile (user_id, name, picture, ...). */
export type Auth0Profile = Record<string, unknown>;
export type ProfileCallback = (err: Error | null, profile?: Auth0Profile) => void;
export type FetchUserProfile = (
  accessToken: string,
  context: Record<string, unknown>,
  callback: ProfileCallback,
) => void;

export interface ProfileScriptRun {
  err: Error | null;
  profile?: Auth0Profile;
  /** The URLs the script asked axios for, before they were rewritten to the stand-in. */
  requested: string[];
  /** The modules the script required. */
  required: string[];
}

/** The real axios, sending what the script asks of TikTok's API to `tiktokBaseUrl` instead. */
export function axiosRewritingTikTokTo(tiktokBaseUrl: string, requested: string[]): AxiosInstance {
  const instance = axios.create();
  instance.interceptors.request.use((config) => {
    const url = String(config.url);
    requested.push(url);
    if (!url.startsWith(`${TIKTOK_API_ORIGIN}/`))
      throw new Error(`The script called ${url}, which is not TikTok's API`);
    config.url = tiktokBaseUrl + url.slice(TIKTOK_API_ORIGIN.length);
    return config;
  });
  return instance;
}

/** Evaluates the text as Auth0 does: the whole text is the one function, with nothing around it. */
export function loadFetchUserProfile(
  source: string,
  sandboxRequire: (name: string) => unknown,
  filename = "fetchUserProfile.js",
): FetchUserProfile {
  const sandbox = vm.createContext({ require: sandboxRequire, console });
  return vm.runInContext(`(${source})`, sandbox, { filename }) as FetchUserProfile;
}

// Long enough for a second callback queued behind the first (a double `finish`) to show up.
const SECOND_CALLBACK_GRACE_MS = 20;

/**
 * Calls the script once and resolves with what it called back with. Rejects if it calls back twice:
 * Auth0 would act on the first and the second would be a bug hidden in production.
 */
export function runFetchUserProfile(
  source: string,
  tiktokBaseUrl: string,
  accessToken: string,
  context: Record<string, unknown>,
): Promise<ProfileScriptRun> {
  const requested: string[] = [];
  const required: string[] = [];
  const fetchUserProfile = loadFetchUserProfile(source, (name) => {
    required.push(name);
    if (name === "axios") return axiosRewritingTikTokTo(tiktokBaseUrl, requested);
    throw new Error(`Cannot find module '${name}' (only axios is provided here)`);
  });
  return new Promise((resolve, reject) => {
    let calls = 0;
    fetchUserProfile(accessToken, context, (err, profile) => {
      calls += 1;
      if (calls > 1) return reject(new Error("The script called back more than once"));
      setTimeout(() => resolve({ err, profile, requested, required }), SECOND_CALLBACK_GRACE_MS);
    });
  });
}
