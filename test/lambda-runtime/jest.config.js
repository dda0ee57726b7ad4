/**
 * `npm run test:lambda-runtime`: the built bundle under AWS's runtime interface client. Kept out of
 * `npm test` (see the root jest.config.js): it fetches the client and Node builds with npx.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: "../..",
  testEnvironment: "node",
  roots: ["<rootDir>/test/lambda-runtime"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "ts-jest" },
  // The first run installs aws-lambda-ric (a native build) and two Node releases.
  testTimeout: 300_000,
};
