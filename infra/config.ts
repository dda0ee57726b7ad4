import * as pulumi from "@pulumi/pulumi";
import {
  AUTH0_DOMAIN_KEY,
  CONFIG_NAMESPACE,
  fullKey,
  parseStackConfig,
  present,
  StackConfig,
} from "../component/settings";

// The rules are the component's (component/settings.ts), one set for both: this file only says
// where the reference stack's values come from. Re-exported, so the stack's tests and scripts name
// one module for its settings.
export * from "../component/settings";

/**
 * Reads `tiktok-auth0:*` from the stack and validates it, in the stack's words (`pulumi config set
 * …`); throws a StackConfigError listing every problem.
 */
export function loadStackConfig(): StackConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const secretKey = fullKey("tiktokClientSecret");
  const all = pulumi.runtime.allConfig();
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(all)) {
    // The secret travels only as the secret Output from getSecret below, never with the plain values.
    if (key.startsWith(prefix) && key !== secretKey) values[key.slice(prefix.length)] = value;
  }
  // An empty secret counts as unset, like every other key; only its presence is looked at here.
  const secretIsSet = present(all[secretKey]) !== undefined;
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  return parseStackConfig({
    values,
    tiktokClientSecret: secretIsSet ? config.getSecret("tiktokClientSecret") : undefined,
    auth0Domain: all[AUTH0_DOMAIN_KEY],
    auth0DomainEnvironment: process.env.AUTH0_DOMAIN,
  });
}
