/**
 * The policy pack, as `pulumi preview --policy-pack policy` runs it. The policies live in
 * ./policies, which never calls `new PolicyPack`: constructing one starts the analyzer's gRPC
 * server, so it happens here only. The pack's description is in PulumiPolicy.yaml, its version in
 * package.json.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("tiktok-auth0", {
  policies,
  enforcementLevel: "mandatory",
});
