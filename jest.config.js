/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Type errors are caught once by `tsc --noEmit` in `npm test`; with isolatedModules (tsconfig) ts-jest only transpiles.
  transform: { "^.+\\.ts$": "ts-jest" },
  testTimeout: 20000,
};
