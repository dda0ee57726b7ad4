// @ts-check
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "bin/", "coverage/", "component/lambda/"] },
  js.configs.recommended,
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      // An Output in a plain template literal prints "Calling [toString] on an Output<T>", not its value.
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The example callers import the SDK `pulumi package add` generates (examples/typescript/README.md),
    // which does not exist in this repository: without its types, every typed rule would flag each use.
    // test/examples checks these files against component/schema.json instead; plain rules still apply.
    files: ["examples/**/*.ts"],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { "@pulumi/no-output-in-template-literal": "off", "@pulumi/no-output-instance-in-template-literal": "off" },
  },
  {
    // jest's asymmetric matchers (expect.any, expect.stringMatching) are typed `any` by design.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-unsafe-assignment": "off" },
  },
  {
    // Plain JavaScript: the Auth0 profile script (runs in Auth0's Node sandbox), configs, harnesses.
    files: ["**/*.js"],
    languageOptions: { globals: { ...globals.node }, sourceType: "commonjs" },
  },
  {
    // Auth0 calls the profile script's one function by name; nothing in the file does.
    files: ["component/auth0/fetch-user-profile.js"],
    rules: { "no-unused-vars": ["error", { varsIgnorePattern: "^fetchUserProfile$" }] },
  },
  { files: ["**/*.mjs"], languageOptions: { globals: { ...globals.node }, sourceType: "module" } },
  prettier,
);
