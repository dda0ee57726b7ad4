import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ProxyMonitoringArgs {
  /** The token proxy's function; pass its `name` output so alarms wait for the function. */
  functionName: pulumi.Input<string>;
  /** `undefined`: alarms still exist and show in the console, but notify nobody. */
  alarmEmail?: string | undefined;
}

/** One alarm on one AWS/Lambda metric of the proxy, summed over `periodSeconds`. */
export interface AlarmSpec {
  /** Suffix of the alarm's name and of its Pulumi resource name. */
  id: string;
  metricName: string;
  threshold: number;
  periodSeconds: number;
  description: string;
}

/**
 * Alarms and a dashboard for the token proxy, and, when an address is given, an email
 * subscription for the alarms.
 */
export class ProxyMonitoring extends pulumi.ComponentResource {
  public readonly alarmTopic?: aws.sns.Topic;
  public readonly alarmSubscription?: aws.sns.TopicSubscription;
  /** One alarm per entry of {@link proxyAlarmSpecs}, in the same order. */
  public readonly alarms: aws.cloudwatch.MetricAlarm[];
  public readonly dashboard: aws.cloudwatch.Dashboard;
  public readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: ProxyMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tiktok-auth0:index:ProxyMonitoring", name, {}, opts);

    if (args.alarmEmail !== undefined) {
      this.alarmTopic = new aws.sns.Topic(`${name}-alarms`, {}, { parent: this });
      // AWS emails a confirmation link; nothing is delivered until someone clicks it.
      this.alarmSubscription = new aws.sns.TopicSubscription(
        `${name}-alarms-email`,
        { topic: this.alarmTopic.arn, protocol: "email", endpoint: args.alarmEmail },
        { parent: this },
      );
    }
    const actions = this.alarmTopic ? [this.alarmTopic.arn] : [];

    this.alarms = proxyAlarmSpecs().map(
      (spec) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${spec.id}`,
          {
            name: pulumi.interpolate`${args.functionName}-${spec.id}`,
            alarmDescription: pulumi.interpolate`${spec.description} Function: ${args.functionName}.`,
            namespace: "AWS/Lambda",
            metricName: spec.metricName,
            dimensions: { FunctionName: args.functionName },
            statistic: "Sum",
            period: spec.periodSeconds,
            evaluationPeriods: 1,
            threshold: spec.threshold,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            // These metrics have no data points while nothing happens; silence is healthy.
            treatMissingData: "notBreaching",
            alarmActions: actions,
            okActions: actions,
          },
          { parent: this },
        ),
    );

    const region = aws.getRegionOutput({}, { parent: this }).region;
    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: args.functionName,
        dashboardBody: pulumi
          .all([args.functionName, region])
          .apply(([functionName, regionName]) => buildDashboardBody(functionName, regionName)),
      },
      { parent: this },
    );
    this.dashboardUrl = pulumi
      .all([region, this.dashboard.dashboardName])
      .apply(([regionName, dashboardName]) => dashboardConsoleUrl(regionName, dashboardName));

    this.registerOutputs({ dashboardUrl: this.dashboardUrl });
  }
}

/**
 * Errors: the handler threw or timed out, a bug, since the proxy answers every TikTok failure.
 * Throttles: logins are being refused for lack of concurrency.
 * Url5xxCount: what Auth0 sees; includes the proxy's own 502/504 when TikTok fails, so it is
 * allowed a few before it alarms.
 */
export function proxyAlarmSpecs(): AlarmSpec[] {
  return [
    {
      id: "errors",
      metricName: "Errors",
      threshold: 1,
      periodSeconds: 300,
      description: "The token proxy failed with an unhandled error or a timeout; see its log group.",
    },
    {
      id: "throttles",
      metricName: "Throttles",
      threshold: 1,
      periodSeconds: 300,
      description:
        "Token requests were throttled, so TikTok logins failed; raise reservedConcurrency or the account limit.",
    },
    {
      id: "url-5xx",
      metricName: "Url5xxCount",
      threshold: 5,
      periodSeconds: 300,
      description:
        "The function URL answered 5xx to Auth0 (TikTok failing, or the proxy misconfigured); see its log group.",
    },
  ];
}

/** CloudWatch's metric line: namespace, metric, dimension name, dimension value, rendering options. */
type MetricLine = [string, string, string, string, { stat: string; label: string }];

/** The dashboard as CloudWatch's JSON: four graphs of the proxy's AWS/Lambda metrics. */
export function buildDashboardBody(functionName: string, region: string): string {
  const metric = (name: string, stat: string, label: string): MetricLine => [
    "AWS/Lambda",
    name,
    "FunctionName",
    functionName,
    { stat, label },
  ];
  const graph = (x: number, y: number, title: string, metrics: MetricLine[]) => ({
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region, view: "timeSeries", stacked: false, period: 60, metrics },
  });
  return JSON.stringify({
    widgets: [
      graph(0, 0, "Invocations", [metric("Invocations", "Sum", "Invocations")]),
      graph(12, 0, "Errors and throttles", [
        metric("Errors", "Sum", "Errors"),
        metric("Throttles", "Sum", "Throttles"),
      ]),
      graph(0, 6, "Duration", [metric("Duration", "p99", "p99"), metric("Duration", "p50", "p50")]),
      graph(12, 6, "Function URL responses", [
        metric("UrlRequestCount", "Sum", "Requests"),
        metric("Url4xxCount", "Sum", "4xx"),
        metric("Url5xxCount", "Sum", "5xx"),
      ]),
    ],
  });
}

export function dashboardConsoleUrl(region: string, dashboardName: string): string {
  return (
    `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}` +
    `#dashboards:name=${encodeURIComponent(dashboardName)}`
  );
}
