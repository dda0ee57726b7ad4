/** A plain-text table with aligned columns; no dependency for something this small. */
export type Verdict = "PASS" | "FAIL" | "info" | "skip";

export interface Row {
  section: string;
  measure: string;
  ours: string;
  reference: string;
  target: string;
  verdict: Verdict;
}

const HEADINGS = ["#", "measurement", "ours", "reference", "target", "result"];

const cells = (row: Row): string[] => [row.section, row.measure, row.ours, row.reference, row.target, row.verdict];

export function renderTable(rows: readonly Row[]): string {
  const lines = [HEADINGS, ...rows.map(cells)];
  const widths = HEADINGS.map((_, col) => Math.max(...lines.map((line) => line[col].length)));
  const format = (line: string[]) =>
    line
      .map((cell, col) => cell.padEnd(widths[col]))
      .join("  ")
      .trimEnd();
  return [format(HEADINGS), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((row) => format(cells(row)))].join(
    "\n",
  );
}

export const verdict = (ok: boolean): Verdict => (ok ? "PASS" : "FAIL");

/** Fixed decimals, thousands grouped. */
export function num(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
