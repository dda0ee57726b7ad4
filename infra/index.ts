import { tiktokAuth0 } from "./program";

// The entry point Pulumi.yaml names. The language host awaits an exported promise and takes what it
// resolves to as the stack outputs (see infra/program.ts); a rejection that is a pulumi.RunError, a
// configuration or adoption problem, is printed as its message alone, without a stack trace.
export = tiktokAuth0();
