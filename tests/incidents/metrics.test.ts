import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIncidentMetrics, METRICS_NAMESPACE } from '../../shared/incidents/metrics.js';

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string; Unit: string }[] }[] };
  [name: string]: unknown;
}

/** Powertools writes EMF with its own Console on process.stdout; capture what reaches the stream. */
function captureStdout(): { lines(): EmfLine[] } {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as EmfLine),
  };
}

describe('incident metrics', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes one EMF line in the S3ReplicationDoctor namespace with every recorded metric', () => {
    // Prepare
    const stdout = captureStdout();
    const metrics = createIncidentMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'test' }));

    // Act
    metrics.failuresReceived(100);
    metrics.diagnosed(98);
    metrics.incidentsOpen(2);
    metrics.objectsRedriven(40);
    metrics.refailed(3);
    metrics.timeToRepair(90);
    metrics.publish();

    // Assess
    const lines = stdout.lines();
    expect(lines).toHaveLength(1);
    const line = lines[0] as EmfLine;
    expect(line._aws.CloudWatchMetrics[0]?.Namespace).toBe('S3ReplicationDoctor');
    expect(line).toMatchObject({
      FailuresReceived: 100,
      FailuresDiagnosed: 98,
      IncidentsOpen: 2,
      ObjectsRedriven: 40,
      ObjectsRefailed: 3,
      TimeToRepair: 5400,
    });
    const units = Object.fromEntries(
      (line._aws.CloudWatchMetrics[0]?.Metrics ?? []).map((metric) => [metric.Name, metric.Unit]),
    );
    expect(units).toMatchObject({ FailuresReceived: 'Count', TimeToRepair: 'Seconds' });
  });

  it('keeps one value per resolved incident so time to repair can be averaged', () => {
    const stdout = captureStdout();
    const metrics = createIncidentMetrics(new Metrics({ namespace: METRICS_NAMESPACE }));

    metrics.timeToRepair(10);
    metrics.timeToRepair(30);
    metrics.publish();

    expect(stdout.lines()[0]?.TimeToRepair).toEqual([600, 1800]);
  });

  it('writes nothing and warns about nothing when a quiet sweep recorded no metric', () => {
    const stdout = captureStdout();
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const metrics = createIncidentMetrics(new Metrics({ namespace: METRICS_NAMESPACE }));

    metrics.publish();

    expect(stdout.lines()).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('drops a negative or non-finite value instead of skewing the sums', () => {
    const stdout = captureStdout();
    const metrics = createIncidentMetrics(new Metrics({ namespace: METRICS_NAMESPACE }));

    metrics.objectsRedriven(-1);
    metrics.refailed(Number.NaN);
    metrics.timeToRepair(Number.POSITIVE_INFINITY);
    metrics.failuresReceived(0);
    metrics.publish();

    const line = stdout.lines()[0] as EmfLine;
    expect(line.FailuresReceived).toBe(0);
    expect(line).not.toHaveProperty('ObjectsRedriven');
    expect(line).not.toHaveProperty('ObjectsRefailed');
    expect(line).not.toHaveProperty('TimeToRepair');
  });

  it('starts a fresh buffer after publishing, so a warm Lambda does not repeat old values', () => {
    const stdout = captureStdout();
    const metrics = createIncidentMetrics(new Metrics({ namespace: METRICS_NAMESPACE }));

    metrics.objectsRedriven(5);
    metrics.publish();
    metrics.refailed(1);
    metrics.publish();

    const lines = stdout.lines();
    expect(lines).toHaveLength(2);
    expect(lines[1]).not.toHaveProperty('ObjectsRedriven');
    expect(lines[1]?.ObjectsRefailed).toBe(1);
  });
});
