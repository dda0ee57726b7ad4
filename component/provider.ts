import type { ComponentResourceOptions, Inputs } from "@pulumi/pulumi";
import type { ConstructResult } from "@pulumi/pulumi/provider";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import {
  auth0ProviderOf,
  checkTikTokLogin,
  TIKTOK_LOGIN_TYPE,
  TikTokLogin,
  TikTokLoginArgs,
  TikTokLoginOptions,
} from "./tiktok-login";

/** The package's name: the first part of every type token it serves. Frozen, as the class names are. */
export const PACKAGE_NAME = "tiktok-auth0";

/**
 * The plugin's provider: Pulumi's schema-inferring ComponentProvider, with one step before each
 * TikTokLogin is constructed. A constructor cannot await, and the live Auth0 connection must be read
 * (and an adoption checked) before any child is declared. Awaited here, a refusal is this method's
 * rejection, which the provider server returns to the caller as its message alone: no unhandled
 * rejection, no stack trace in the plugin's output.
 */
export class TikTokLoginProvider extends ComponentProvider {
  constructor(dirname: string) {
    super({ name: PACKAGE_NAME, dirname, components: [TikTokLogin] });
  }

  override async construct(
    name: string,
    type: string,
    inputs: Inputs,
    options: ComponentResourceOptions,
  ): Promise<ConstructResult> {
    if (type !== TIKTOK_LOGIN_TYPE) return super.construct(name, type, inputs, options);
    // The engine checked the inputs against the schema; the rules check their values.
    const args = inputs as TikTokLoginArgs;
    // Inside construct there is no parent yet: the invoke takes the caller's Auth0 provider from the options.
    const checked = await checkTikTokLogin(name, args, auth0ProviderOf(options));
    const withChecks: TikTokLoginOptions = { ...options, checked };
    return super.construct(name, type, inputs, withChecks);
  }
}
