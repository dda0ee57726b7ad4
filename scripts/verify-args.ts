/** `npm run verify -- ...`'s command line, parsed without touching the process. */

export interface VerifyArgs {
  help: boolean;
  stack?: string;
  redirectUri?: string;
  clientId?: string;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const USAGE = `Usage: npm run verify -- --stack <name> [--redirect-uri <url>] [--client-id <id>]

Smoke-tests a deployed stack: the token URL refuses callers without the shared secret, reaches
TikTok with the stack's client key, and Auth0's /authorize sends the browser to TikTok v2.

  --stack <name>         the Pulumi stack to verify (required): dev, or org-qualified,
                         <org>/tiktok-auth0/dev, as CI names it
  --redirect-uri <url>   a callback URL the Auth0 application allows (or VERIFY_REDIRECT_URI);
                         without it the /authorize check is skipped
  --client-id <id>       the Auth0 application to log in with (default: the first of
                         tiktok-auth0:enabledClients)
  --help                 show this text

Reads the stack with \`pulumi stack output\` and \`pulumi config\` (--show-secrets), so the Pulumi CLI
must be on PATH and logged in. Prints no secret. Exits 1 if a check fails.`;

const VALUE_FLAGS = { "--stack": "stack", "--redirect-uri": "redirectUri", "--client-id": "clientId" } as const;
type ValueFlag = keyof typeof VALUE_FLAGS;
const isValueFlag = (flag: string): flag is ValueFlag => Object.prototype.hasOwnProperty.call(VALUE_FLAGS, flag);

/**
 * Accepts `--flag value` and `--flag=value`; VERIFY_REDIRECT_URI in `env` stands in for a missing
 * --redirect-uri. Throws a {@link UsageError} naming what is wrong.
 */
export function parseVerifyArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): VerifyArgs {
  const args: VerifyArgs = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      args.help = true;
      continue;
    }
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (!isValueFlag(flag)) throw new UsageError(`Unknown argument "${arg}".`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) {
      throw new UsageError(`${flag} needs a value.`);
    }
    args[VALUE_FLAGS[flag]] = value;
  }
  if (!args.help && args.stack === undefined) throw new UsageError("--stack <name> is required.");
  const source = args.redirectUri !== undefined ? "--redirect-uri" : "VERIFY_REDIRECT_URI";
  args.redirectUri ??= env.VERIFY_REDIRECT_URI || undefined;
  if (args.redirectUri !== undefined && !isAbsoluteUrl(args.redirectUri)) {
    throw new UsageError(`${source} must be an absolute URL, got "${args.redirectUri}".`);
  }
  return args;
}

function isAbsoluteUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
