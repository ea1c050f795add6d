/**
 * The incident numbers an operator graphs and alarms on, as CloudWatch metrics in the Embedded Metric
 * Format: Powertools buffers them and `publish()` writes one EMF JSON line to stdout, which CloudWatch Logs
 * turns into metrics without any PutMetricData call (so no extra IAM permission and no extra latency).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const METRICS_NAMESPACE = 'S3ReplicationDoctor';
export const METRICS_SERVICE = 's3-replication-doctor';

export const INCIDENT_METRIC_NAMES = {
  failuresReceived: 'FailuresReceived',
  diagnosed: 'FailuresDiagnosed',
  incidentsOpen: 'IncidentsOpen',
  objectsRedriven: 'ObjectsRedriven',
  refailed: 'ObjectsRefailed',
  timeToRepair: 'TimeToRepair',
} as const;

export interface IncidentMetrics {
  failuresReceived(count: number): void;
  diagnosed(count: number): void;
  /** A gauge: the number of open incidents the sweep saw. */
  incidentsOpen(count: number): void;
  objectsRedriven(count: number): void;
  refailed(count: number): void;
  /** From the first failure to resolution; one value per resolved incident. */
  timeToRepair(minutes: number): void;
  /** Writes what was buffered (one EMF line); nothing when nothing was recorded. */
  publish(): void;
}

/** The subset of Powertools `Metrics` used here, so a test can pass a fake. */
export type MetricsSink = Pick<Metrics, 'addMetric' | 'hasStoredMetrics' | 'publishStoredMetrics'>;

export function createIncidentMetrics(
  metrics: MetricsSink = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE }),
): IncidentMetrics {
  const count = (name: string, value: number) => {
    // A negative or non-finite count is a bug upstream; CloudWatch would store it and skew every sum.
    if (Number.isFinite(value) && value >= 0) metrics.addMetric(name, MetricUnit.Count, value);
  };
  return {
    failuresReceived: (n) => count(INCIDENT_METRIC_NAMES.failuresReceived, n),
    diagnosed: (n) => count(INCIDENT_METRIC_NAMES.diagnosed, n),
    incidentsOpen: (n) => count(INCIDENT_METRIC_NAMES.incidentsOpen, n),
    objectsRedriven: (n) => count(INCIDENT_METRIC_NAMES.objectsRedriven, n),
    refailed: (n) => count(INCIDENT_METRIC_NAMES.refailed, n),
    timeToRepair(minutes) {
      // CloudWatch has no "Minutes" unit; seconds keep the statistic in a standard unit.
      if (Number.isFinite(minutes) && minutes >= 0)
        metrics.addMetric(INCIDENT_METRIC_NAMES.timeToRepair, MetricUnit.Seconds, Math.round(minutes * 60));
    },
    publish() {
      // Publishing an empty buffer makes Powertools log a warning on every quiet sweep.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
