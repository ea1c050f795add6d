import { describe, expect, it } from 'vitest';
import { runBatchJobs } from '../../shared/incidents/batch-jobs.js';
import { runSweep } from '../../shared/incidents/sweep.js';
import { noCauseFound, rootCause } from '../notify/diagnoses.js';
import { OBJECT_KEY } from '../support/seed-setup.js';
import { createHarness } from './sweep-fakes.js';

const refailure = (key: string) => ({
  bucket: 'my-source-bucket-use1',
  key,
  versionId: `${key}-new`,
  failureReason: 'DstPutObjectNotPermitted',
  eventTime: '2026-01-01T12:03:00.000Z',
});

describe('the circuit breaker', () => {
  it('trips when failures of the same cause arrive after the re-drive started, and tells why once', async () => {
    // Prepare: a copy re-drive ran; then the same cause fails two objects again
    const h = createHarness({ mode: 'auto' });
    const incident = h.store.seed(rootCause(), 2);
    h.diagnosis = () => noCauseFound();
    await runSweep(h.ports);
    await h.store.recordFailures(rootCause(), [refailure('k1'), refailure('k9')]);

    // Act
    const report = await runSweep(h.ports);
    const again = await runSweep(h.ports);

    // Assess
    expect(report.tripped).toBe(1);
    expect(report.resolved).toBe(0);
    // Tripped before any spot check: objects of a cause that is back are not verified.
    expect(h.heads).toEqual([]);
    expect(again.tripped).toBe(1);
    const redrive = h.store.incidents.get(incident.incidentId)?.redrive;
    expect(redrive?.state).toBe('tripped');
    expect(redrive?.note).toContain('2 failures of the same cause arrived after the re-drive started');
    const reopened = h.notices.filter((n) => n.kind === 'reopened');
    expect(reopened).toHaveLength(1);
    expect(reopened[0]?.details).toContain('Re-driven objects failed again');
    expect(reopened[0]?.details).toContain(`incidents redrive ${incident.incidentId} --execute`);
    expect(h.metrics.refailed).toContain(2);
  });

  it('never re-drives a tripped incident by itself, even when the cause looks gone', async () => {
    const h = createHarness({ mode: 'auto' });
    const incident = h.store.seed(rootCause(), 2);
    await h.store.setRedrive(incident.incidentId, {
      method: 'copy',
      state: 'tripped',
      objects: 2,
      estimatedRequests: 4,
      note: 'tripped before',
    });
    h.diagnosis = () => noCauseFound();

    const report = await runSweep(h.ports);

    expect(report.tripped).toBe(1);
    expect(h.copies).toEqual([]);
    expect(h.batch.starts).toEqual([]);
    expect(h.notices.map((n) => n.kind)).toEqual(['still-open']);
    expect(h.notices[0]?.details).toContain('automatic re-drive is stopped: tripped before');
  });

  it('re-drives again once a human re-arms it, without counting the failures from before', async () => {
    const h = createHarness({ mode: 'auto' });
    const incident = h.store.seed(rootCause(), 2);
    h.diagnosis = () => noCauseFound();
    await runSweep(h.ports);
    await h.store.recordFailures(rootCause(), [refailure('k1')]);
    await runSweep(h.ports);
    const copiesBefore = h.copies.length;

    // What `incidents redrive ID --execute` does for a tripped incident
    const tripped = h.store.incidents.get(incident.incidentId)?.redrive;
    if (!tripped) throw new Error('expected a redrive');
    await h.store.setRedrive(
      incident.incidentId,
      { ...tripped, state: 'approved', approvedBy: 'cli' },
      { expectState: 'tripped' },
    );
    await runSweep(h.ports);
    const verified = await runSweep(h.ports);

    expect(h.copies.slice(copiesBefore).map((o) => o.key)).toEqual(['k1']);
    expect(verified.resolved).toBe(1);
  });

  it("trips when Batch Replication tasks fail again with the incident's own failure reason", async () => {
    const h = createHarness({ mode: 'auto', copyThreshold: 1 });
    const incident = h.store.seed(rootCause(), 2);
    h.diagnosis = () => noCauseFound();
    await runSweep(h.ports);
    await runBatchJobs(h.jobPorts);
    h.batch.progress = { state: 'complete' };
    h.batch.rows = [
      { bucket: 'my-source-bucket-use1', key: OBJECT_KEY, versionId: 'x', taskStatus: 'succeeded' },
      {
        bucket: 'my-source-bucket-use1',
        key: 'k1',
        versionId: 'v1',
        taskStatus: 'failed',
        errorCode: 'DstPutObjectNotPermitted',
      },
    ];

    const finished = await runBatchJobs(h.jobPorts);
    const report = await runSweep(h.ports);

    expect(finished.finished).toBe(1);
    expect(report.tripped).toBe(1);
    expect(h.heads).toEqual([]);
    expect(h.store.incidents.get(incident.incidentId)?.redrive?.note).toContain(
      "1 object failed again in job job-1 with the incident's own failure reason (DstPutObjectNotPermitted)",
    );
  });

  it('trips when a spot check finds a re-driven object FAILED', async () => {
    const h = createHarness({ mode: 'auto' });
    const incident = h.store.seed(rootCause(), 2);
    h.diagnosis = () => noCauseFound();
    await runSweep(h.ports);
    h.status = (object) => (object.key === 'k1' ? 'FAILED' : 'COMPLETED');

    const report = await runSweep(h.ports);

    expect(report).toMatchObject({ tripped: 1, resolved: 0 });
    expect(h.store.incidents.get(incident.incidentId)?.status).toBe('open');
    expect(h.store.objectsOf(incident.incidentId).find((o) => o.key === 'k1')?.state).toBe('failed-again');
  });

  it('stops and says why when the Batch Replication job fails', async () => {
    const h = createHarness({ mode: 'auto', copyThreshold: 1 });
    const incident = h.store.seed(rootCause(), 2);
    h.diagnosis = () => noCauseFound();
    await runSweep(h.ports);
    await runBatchJobs(h.jobPorts);
    h.batch.progress = { state: 'failed', reason: 'ManifestNotFound: the manifest could not be read' };

    const stopped = await runBatchJobs(h.jobPorts);
    const report = await runSweep(h.ports);
    const again = await runBatchJobs(h.jobPorts);

    expect(stopped.stopped).toBe(1);
    // Tripped now: the job runner leaves the incident alone.
    expect(again.incidents).toBe(0);
    expect(report.tripped).toBe(1);
    expect(h.store.incidents.get(incident.incidentId)?.redrive?.note).toContain(
      'S3 Batch Replication job job-1 failed (ManifestNotFound: the manifest could not be read)',
    );
    expect(h.notices.at(-1)?.kind).toBe('reopened');
  });

  it('does not resolve when a failure of the cause was recorded while the sweep was verifying', async () => {
    const h = createHarness({ mode: 'auto' });
    const incident = h.store.seed(rootCause(), 1);
    h.diagnosis = () => noCauseFound();
    await runSweep(h.ports);
    // The failure lands between listing the incident and resolving it.
    h.status = () => {
      void h.store.recordFailures(rootCause(), [refailure('late')]);
      return 'COMPLETED';
    };

    const report = await runSweep(h.ports);

    expect(report).toMatchObject({ resolved: 0, tripped: 1 });
    expect(h.store.incidents.get(incident.incidentId)?.status).toBe('open');
  });
});
