/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Run by `npm run test:lambda-runtime`, with its own config: it fetches AWS's runtime client with npx.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/lambda-runtime/"],
  // Type errors are caught once by `tsc --noEmit` in `npm test`; with isolatedModules (tsconfig) ts-jest only transpiles.
  transform: { "^.+\\.ts$": "ts-jest" },
  testTimeout: 20000,
};
