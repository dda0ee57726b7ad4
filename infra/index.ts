import { tiktokAuth0 } from "./program";

// The entry point Pulumi.yaml names. The language host calls an exported function and awaits what it
// returns, taking what that resolves to as the stack outputs (see infra/program.ts); a rejection that
// is a pulumi.RunError, a configuration or adoption problem, is printed as its message alone. The
// function itself is exported, not its promise: the host awaits it at once, so a rejection is never
// briefly unhandled (Node would print a PromiseRejectionHandledWarning).
export = tiktokAuth0;
