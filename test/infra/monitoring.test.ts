import { buildDashboardBody, dashboardConsoleUrl, proxyAlarmSpecs } from "../../component/monitoring";

interface MetricWidget {
  type: string;
  properties: { title: string; region: string; metrics: [string, string, string, string, { stat: string }][] };
}

describe("buildDashboardBody", () => {
  const body = JSON.parse(buildDashboardBody("my-proxy", "eu-west-1")) as { widgets: MetricWidget[] };
  const lines = body.widgets.flatMap((widget) => widget.properties.metrics);

  it("graphs only the proxy function's AWS/Lambda metrics, in the given region", () => {
    expect(body.widgets.length).toBeGreaterThan(0);
    for (const widget of body.widgets) {
      expect(widget.type).toBe("metric");
      expect(widget.properties.region).toBe("eu-west-1");
    }
    for (const [namespace, , dimension, value] of lines) {
      expect([namespace, dimension, value]).toEqual(["AWS/Lambda", "FunctionName", "my-proxy"]);
    }
  });

  it("shows invocations, errors, p99 duration and the function URL's 4xx and 5xx", () => {
    const shown = lines.map(([, metric, , , { stat }]) => `${metric}:${stat}`);
    expect(shown).toEqual(
      expect.arrayContaining(["Invocations:Sum", "Errors:Sum", "Duration:p99", "Url4xxCount:Sum", "Url5xxCount:Sum"]),
    );
  });
});

describe("dashboardConsoleUrl", () => {
  it("opens the dashboard in the CloudWatch console of its region", () => {
    expect(dashboardConsoleUrl("eu-west-1", "my-proxy")).toBe(
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=my-proxy",
    );
  });
});

describe("proxyAlarmSpecs", () => {
  it("covers Errors, Throttles and Url5xxCount, each with a distinct name and a description", () => {
    const specs = proxyAlarmSpecs();
    expect(specs.map((spec) => spec.metricName).sort()).toEqual(["Errors", "Throttles", "Url5xxCount"]);
    expect(new Set(specs.map((spec) => spec.id)).size).toBe(specs.length);
    for (const spec of specs) {
      expect(spec.threshold).toBeGreaterThanOrEqual(1);
      expect(spec.description.length).toBeGreaterThan(20);
    }
  });
});
