// The plugin's entry (package.json `main`), which Pulumi's `run-plugin` loads. It serves the package
// through TikTokLoginProvider and exports nothing: `run-plugin` hosts every exported ComponentResource
// class itself, with a provider that would construct TikTokLogin without its checks.
import { main } from "@pulumi/pulumi/provider";
import { TikTokLoginProvider } from "./provider";

void main(new TikTokLoginProvider(__dirname), process.argv.slice(2));
