import * as pulumi from "@pulumi/pulumi";
import { tiktokAuth0 } from "../../infra/program";
import { installMocks, recordingMocks } from "./support/pulumi-mocks";

/** A configuration mistake must stop the program before it creates anything: that is what fails `pulumi preview`. */

it("rejects at program start with a RunError naming every missing key and its fix, before registering any resource", async () => {
  const recorder = recordingMocks();
  await installMocks(recorder);
  // An empty secret is as good as none.
  pulumi.runtime.setAllConfig(
    { "tiktok-auth0:tiktokClientSecret": "", "tiktok-auth0:scopes": '["user.info.profile"]' },
    ["tiktok-auth0:tiktokClientSecret"],
  );

  const started = tiktokAuth0();

  await expect(started).rejects.toThrow(
    "tiktok-auth0:tiktokClientKey is required: run `pulumi config set tiktokClientKey <client key from TikTok for Developers>`",
  );
  await expect(started).rejects.toThrow(
    "tiktok-auth0:tiktokClientSecret is required: run `pulumi config set --secret tiktokClientSecret",
  );
  await expect(started).rejects.toThrow("tiktok-auth0:scopes must include user.info.basic");
  await expect(started).rejects.toThrow("auth0:domain is required in the stack configuration");
  expect(pulumi.RunError.isInstance(await started.catch((err: unknown) => err))).toBe(true);
  await pulumi.runtime.disconnect();
  expect(recorder.resources).toEqual([]);
});
