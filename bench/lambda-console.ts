/**
 * Lambda's console as AWS's Node runtime interface client installs it under the JSON log format
 * (see docs/lambda-runtime.md): each console.info/warn/error call becomes one JSON object
 * `{timestamp, level, requestId, message}` written to stdout. Installed in the handler-cost child
 * before the bundle is loaded, so the handler's one log call per request costs what it costs on
 * Lambda, rather than what Node's own console (util.inspect) would.
 */
const LEVELS = { info: "INFO", warn: "WARN", error: "ERROR" } as const;

export function installLambdaJsonConsole(requestId: () => string): void {
  for (const [method, level] of Object.entries(LEVELS) as [keyof typeof LEVELS, string][]) {
    console[method] = (message: unknown) => {
      const line = { timestamp: new Date().toISOString(), level, requestId: requestId(), message };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    };
  }
}
