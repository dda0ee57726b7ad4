import * as pulumi from "@pulumi/pulumi";
import type { UserIdField } from "./settings";
import { capitalized, STACK_CONFIG_WORDS, Vocabulary } from "./vocabulary";
import { LiveConnection, readConnectionById, tenantOf } from "./live-connection";
import { loginSwitchWarnings } from "./login-switches";
import { userIdFieldOfScript } from "./profile-script";

export type { LiveConnection } from "./live-connection";

/**
 * Adopting a hand-made TikTok connection (`tiktok-auth0:adoptConnectionId`): the live connection is
 * read first and compared with the stack's settings, so every way adoption could lose, split or lock
 * out users fails the preview before any resource is touched.
 */

/** The settings the live connection must agree with. */
export interface AdoptionTarget {
  connectionName: string;
  tiktokClientKey: string;
  enabledClients: readonly string[];
  userIdField: UserIdField;
  /** Whose words the messages use: the stack's config keys by default, or a component's inputs. */
  words?: Vocabulary;
}

export interface AdoptionFindings {
  /** Each one stops the program: adopting would lose, split or lock out users. */
  errors: string[];
  warnings: string[];
}

/** A `pulumi.RunError`: the CLI prints the message alone, as it is the whole story. */
export class AdoptionError extends pulumi.RunError {
  constructor(readonly problems: readonly string[]) {
    super(
      `Adopting the existing connection is not safe yet (${problems.length === 1 ? "a problem" : `${problems.length} problems`}); ` +
        "nothing was changed:\n" +
        problems.map((problem) => `  - ${problem}`).join("\n"),
    );
    this.name = "AdoptionError";
  }
}

/** Compares the live connection with the stack's settings. */
export function checkAdoption(live: LiveConnection, target: AdoptionTarget): AdoptionFindings {
  const words = target.words ?? STACK_CONFIG_WORDS;
  const errors: string[] = [];
  const warnings: string[] = [
    `${words.key("adoptConnectionId")} is set: this run adopts the existing connection ${live.id}${live.name ? ` ("${live.name}")` : ""}. ` +
      `After the first successful \`pulumi up\`, ${words.remove("adoptConnectionId")} and commit the change: ` +
      "while it is set, Pulumi refuses any replacement of the connection, and a copy of this setting in another " +
      "environment would adopt the same connection into a second stack.",
  ];

  if (live.strategy !== "oauth2") {
    errors.push(
      `${live.id} has strategy "${live.strategy}", not "oauth2" (a custom social connection), so it is not a hand-made ` +
        "TikTok connection; adopting it would replace it and delete its users. Check the ID in the Auth0 dashboard " +
        "(Authentication > Social) and " +
        `${words.set("adoptConnectionId", { placeholder: "con_…" })}.`,
    );
  }
  if (live.name === undefined || live.name === "") {
    errors.push(
      `The provider returned no name for ${live.id}; without it the stack cannot tell whether adopting would rename ` +
        "(and so replace) the connection. Check the ID in the Auth0 dashboard and try again.",
    );
  } else if (live.name !== target.connectionName) {
    errors.push(
      `${live.id} is named "${live.name}", but ${words.key("connectionName")} is "${target.connectionName}"; a connection's ` +
        "name cannot change without replacing it, which deletes its users (and Auth0 stores them as " +
        `oauth2|<name>|<id>). ${capitalized(words.set("connectionName", live.name))}.`,
    );
  }
  if (live.clientId !== target.tiktokClientKey) {
    errors.push(
      `${live.id} uses the TikTok client key "${live.clientId ?? ""}", but ${words.key("tiktokClientKey")} is ` +
        `"${target.tiktokClientKey}". Another TikTok app gives every user another open_id (and another union_id when ` +
        "the app belongs to another developer account), so returning users would be created again. Adopt with the " +
        `same app: ${words.set("tiktokClientKey", live.clientId ?? { placeholder: "<client key>" })} and that app's client secret; ` +
        "move to another app later, on purpose, if ever.",
    );
  }
  const wouldDisable = live.enabledClients.filter((client) => !target.enabledClients.includes(client));
  if (wouldDisable.length > 0) {
    const keep = [...target.enabledClients, ...wouldDisable];
    errors.push(
      `${live.id} is enabled today for applications missing from ${words.key("enabledClients")}: ${wouldDisable.join(", ")}. ` +
        "The stack owns the whole list, so adopting would disable them and their users could no longer log in with TikTok. " +
        `${capitalized(words.setList("enabledClients", keep))} (drop one later, on purpose, in a change of its own).`,
    );
  }
  const liveField =
    live.fetchUserProfileScript === undefined ? undefined : userIdFieldOfScript(live.fetchUserProfileScript);
  if (liveField !== undefined && liveField !== target.userIdField) {
    errors.push(
      `${live.id}'s profile script returns TikTok's ${liveField} as user_id, but ${words.key("userIdField")} is ` +
        `${target.userIdField}: every returning user would get a new user_id and be created again. ` +
        `${capitalized(words.set("userIdField", liveField))}.`,
    );
  } else if (liveField === undefined) {
    warnings.push(
      `Could not tell from ${live.id}'s profile script which TikTok field it returns as user_id; this stack will use ` +
        `${target.userIdField}. Before \`pulumi up\`, open a TikTok user in the Auth0 dashboard (User Management > Users): ` +
        `if the part of its user_id after "oauth2|${live.name ?? target.connectionName}|" is not its ${target.userIdField}, ` +
        `${words.set("userIdField", target.userIdField === "union_id" ? "open_id" : "union_id")}, ` +
        "or every returning user is created again.",
    );
  }
  if (isV1Era(live)) {
    warnings.push(
      `${live.id} was made for TikTok's v1 API, which stored the ${liveField ?? target.userIdField} that v1 returned. ` +
        "No public TikTok source says v2 returns the same value for the same person and app. Rehearse before adopting: " +
        "deploy this stack to a dev tenant with the same TikTok app, log in there with a TikTok account that already has a user " +
        `in this connection, and compare the part of both user_ids after "oauth2|<connection>|". Only adopt if they are equal; ` +
        "otherwise every returning user would be created again.",
    );
  }
  // Not refused: they lose no user, and this run reverts them (component/login-switches.ts). Said here so
  // whoever adopts sees what the first `pulumi up` changes besides the options.
  warnings.push(...loginSwitchWarnings(live, target.connectionName));
  return { errors, warnings };
}

/** Reads the connection to adopt; a failure says what to check. */
export async function readLiveConnection(
  connectionId: string,
  words: Vocabulary = STACK_CONFIG_WORDS,
  provider?: pulumi.ProviderResource,
): Promise<LiveConnection> {
  try {
    return await readConnectionById(connectionId, provider);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new AdoptionError([
      `Could not read the connection ${connectionId} from the tenant ${tenantOf(words)}` +
        `${reason === "" ? "" : ` (${reason})`}. Check ${words.key("adoptConnectionId")} against the Auth0 dashboard, ` +
        "and that Pulumi's Machine to Machine application has read:connections.",
    ]);
  }
}

/**
 * Reads and checks the connection to adopt: logs the warnings, throws an {@link AdoptionError} with
 * every problem at once. Returns the live connection, which the program declares its switches from.
 */
export async function verifyAdoption(
  connectionId: string,
  target: AdoptionTarget,
  provider?: pulumi.ProviderResource,
): Promise<LiveConnection> {
  const live = await readLiveConnection(connectionId, target.words, provider);
  const { errors, warnings } = checkAdoption(live, target);
  for (const warning of warnings) void pulumi.log.warn(warning);
  if (errors.length > 0) throw new AdoptionError(errors);
  return live;
}

/** TikTok's v1 endpoints (dead since 2024-02-29), in the authorize URL or the profile script. */
function isV1Era(live: LiveConnection): boolean {
  const authorize = live.authorizationEndpoint ?? "";
  const v1Authorize = /tiktok\.com\/auth\/authorize/.test(authorize);
  return v1Authorize || /open-api\.tiktok\.com/.test(live.fetchUserProfileScript ?? "");
}
