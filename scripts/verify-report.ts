import type { CheckResult } from "./verify-checks";

/** One line per check (status, number, title, what it proved), a fix line under each failure, then a tally. */
export function formatVerifyReport(results: readonly CheckResult[]): string {
  const lines = results.flatMap((result, index) => {
    const line = `${result.status}  ${index + 1}. ${result.title}: ${result.summary}`;
    return result.hint === undefined ? [line] : [line, `      fix: ${result.hint}`];
  });
  const count = (status: CheckResult["status"]) => results.filter((result) => result.status === status).length;
  lines.push(`${count("PASS")} passed, ${count("FAIL")} failed, ${count("SKIP")} skipped`);
  return lines.join("\n");
}
