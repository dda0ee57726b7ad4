import { formatVerifyReport } from "../../scripts/verify-report";

describe("the verify report", () => {
  it("prints one line per check, a fix line under each failure, and a tally", () => {
    const report = formatVerifyReport([
      { title: "first", status: "PASS", summary: "it worked." },
      { title: "second", status: "FAIL", summary: "it broke.", hint: "Do this." },
      { title: "third", status: "SKIP", summary: "pass --this." },
    ]);
    expect(report.split("\n")).toEqual([
      "PASS  1. first: it worked.",
      "FAIL  2. second: it broke.",
      "      fix: Do this.",
      "SKIP  3. third: pass --this.",
      "1 passed, 1 failed, 1 skipped",
    ]);
  });
});
