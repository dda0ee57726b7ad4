import type { ChildProcess } from "node:child_process";

/**
 * What a Pulumi plugin process (a policy pack, a component package) has said so far. Such a process
 * announces the port of its gRPC server as its first line on stdout, the way the CLI reads it.
 */
export interface AnnouncedPort {
  port: number;
  stdout: () => string;
  stderr: () => string;
}

/** Resolves with the port once the child prints it; rejects, with its output, if it exits first. */
export function announcedPort(child: ChildProcess, what: string): Promise<AnnouncedPort> {
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const port = /^(\d+)\s*$/m.exec(stdout);
      if (port) resolve({ port: Number(port[1]), stdout: () => stdout, stderr: () => stderr });
    });
    child.on("exit", (code) =>
      reject(new Error(`${what} exited with ${code} before listening:\n${stdout}\n${stderr}`)),
    );
  });
}
