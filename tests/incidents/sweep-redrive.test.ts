import { describe, expect, it } from 'vitest';
import { runBatchJobs } from '../../shared/incidents/batch-jobs.js';
import { runSweep } from '../../shared/incidents/sweep.js';
import { noCauseFound, rolePolicyCause, rootCause } from '../notify/diagnoses.js';
import { OBJECT_KEY, OBJECT_VERSION_ID } from '../support/seed-setup.js';
import { createHarness } from './sweep-fakes.js';

describe('re-driving by copy in place', () => {
  it('copies every failed object, marks each re-driven or failed again, then verifies and resolves with the numbers', async () => {
    // Prepare: 3 objects, one refused by the copy (an archived object)
    const h = createHarness({ mode: 'auto', copyThreshold: 10, spotCheck: 5 });
    const incident = h.store.seed(rootCause(), 3);
    h.diagnosis = () => noCauseFound();
    h.copy = (object) =>
      object.key === 'k2' ? { ok: false, reason: 'GLACIER needs a restore first' } : { ok: true };

    // Act: the first sweep copies, the second verifies
    const first = await runSweep(h.ports);
    h.clock.now += 5 * 60_000;
    const second = await runSweep(h.ports);

    // Assess
    expect(first).toMatchObject({ redriven: 2, resolved: 0 });
    expect(second).toMatchObject({ resolved: 1 });
    const states = Object.fromEntries(h.store.objectsOf(incident.incidentId).map((o) => [o.key, o.state]));
    expect(states).toEqual({ [OBJECT_KEY]: 'replicated', k1: 'replicated', k2: 'failed-again' });
    expect(h.store.objectsOf(incident.incidentId).find((o) => o.key === 'k2')?.lastError).toBe(
      'GLACIER needs a restore first',
    );
    const stored = h.store.incidents.get(incident.incidentId);
    expect(stored?.status).toBe('resolved');
    expect(stored?.redrive).toMatchObject({ method: 'copy', state: 'done', succeeded: 2, failed: 1 });
    const resolved = h.notices.find((n) => n.kind === 'resolved');
    // firstSeen 10:00, resolved at 12:05
    expect(resolved?.numbers).toEqual({
      failed: 3,
      objects: 3,
      redriven: 2,
      failedAgain: 1,
      timeToRepairMinutes: 125,
    });
    expect(resolved?.details).toContain('1 failed again for another reason');
    expect(h.metrics.objectsRedriven).toEqual([2]);
    expect(h.metrics.timeToRepair).toEqual([125]);
  });

  it('spot-checks the current version of an object copied in place, as its original version stays FAILED', async () => {
    const h = createHarness({ mode: 'auto', spotCheck: 5 });
    h.store.seed(rootCause(), 1);
    h.diagnosis = () => noCauseFound();

    await runSweep(h.ports);
    await runSweep(h.ports);

    expect(h.heads).toHaveLength(1);
    expect(h.heads[0]?.key).toBe(OBJECT_KEY);
    expect(h.heads[0]).not.toHaveProperty('versionId');
  });

  it('waits while a spot-checked object is still PENDING and resolves once it is COMPLETED', async () => {
    const h = createHarness({ mode: 'auto', spotCheck: 2 });
    const incident = h.store.seed(rootCause(), 2);
    h.diagnosis = () => noCauseFound();
    await runSweep(h.ports);

    h.status = (object) => (object.key === 'k1' ? 'PENDING' : 'COMPLETED');
    const waiting = await runSweep(h.ports);
    h.status = () => 'COMPLETE';
    const done = await runSweep(h.ports);

    expect(waiting.resolved).toBe(0);
    expect(h.store.incidents.get(incident.incidentId)?.status).toBe('resolved');
    expect(done.resolved).toBe(1);
    // The object already confirmed is not asked about again.
    expect(h.heads.map((o) => o.key)).toEqual([OBJECT_KEY, 'k1', 'k1']);
  });

  it('spot-checks at most the configured number of objects before resolving', async () => {
    const h = createHarness({ mode: 'auto', copyThreshold: 10, spotCheck: 3 });
    h.store.seed(rootCause(), 8);
    h.diagnosis = () => noCauseFound();

    await runSweep(h.ports);
    const report = await runSweep(h.ports);

    expect(report.resolved).toBe(1);
    expect(h.heads).toHaveLength(3);
  });

  it('continues an interrupted copy run with the objects still failed and announces the re-drive only once', async () => {
    const h = createHarness({ mode: 'auto' });
    const incident = h.store.seed(rootCause(), 3);
    h.diagnosis = () => noCauseFound();
    h.copy = (object) => {
      if (object.key === 'k1')
        throw Object.assign(new Error('Please reduce your request rate'), { name: 'SlowDown' });
      return { ok: true };
    };
    const interrupted = await runSweep(h.ports);

    h.copy = () => ({ ok: true });
    await runSweep(h.ports);

    expect(interrupted.errors).toBe(1);
    expect(h.copies.map((o) => o.key)).toEqual([OBJECT_KEY, 'k1', 'k1', 'k2']);
    expect(h.store.incidents.get(incident.incidentId)?.redrive).toMatchObject({
      state: 'verifying',
      succeeded: 3,
    });
    expect(h.notices.filter((n) => n.kind === 'redrive-started')).toHaveLength(1);
  });

  it('counts the requests the copies and spot checks made', async () => {
    const h = createHarness({ mode: 'auto', spotCheck: 1 });
    h.store.seed(rootCause(), 2);
    h.diagnosis = () => noCauseFound();
    h.copy = (object) => ({ ok: true, requests: object.key === 'k1' ? 5 : 2 });

    const first = await runSweep(h.ports);
    const second = await runSweep(h.ports);

    expect(first.requests).toBe(7);
    expect(second.requests).toBe(1);
  });
});

describe('re-driving by S3 Batch Replication (the sweep hands over, the job runner runs the job)', () => {
  it('starts one job over the ledger objects, follows it, reads the report into the objects and resolves', async () => {
    // Prepare
    const h = createHarness({ mode: 'auto', copyThreshold: 2, spotCheck: 2 });
    const incident = h.store.seed(rootCause(), 4);
    h.diagnosis = () => noCauseFound();

    // Act 1: the sweep finds the cause gone and hands the objects over; the job runner starts the job
    const handedOver = await runSweep(h.ports);
    const afterHandOver = structuredClone(h.store.incidents.get(incident.incidentId)?.redrive);
    const started = await runBatchJobs(h.jobPorts);

    // Assess 1
    expect(handedOver).toMatchObject({ redriven: 4, requests: 0 });
    expect(afterHandOver).toMatchObject({ method: 'batch', state: 'running', objects: 4 });
    expect(afterHandOver?.jobId).toBeUndefined();
    expect(h.notices.map((n) => n.kind)).toEqual(['redrive-started']);
    expect(started).toMatchObject({ incidents: 1, started: 1, requests: 2, errors: 0 });
    expect(h.batch.starts).toHaveLength(1);
    expect(h.batch.starts[0]?.incidentId).toBe(incident.incidentId);
    expect(h.batch.starts[0]?.rows).toEqual([
      { bucket: 'my-source-bucket-use1', key: OBJECT_KEY, versionId: OBJECT_VERSION_ID },
      { bucket: 'my-source-bucket-use1', key: 'k1', versionId: 'v1' },
      { bucket: 'my-source-bucket-use1', key: 'k2', versionId: 'v2' },
      { bucket: 'my-source-bucket-use1', key: 'k3', versionId: 'v3' },
    ]);
    expect(h.store.incidents.get(incident.incidentId)?.redrive).toMatchObject({
      method: 'batch',
      state: 'running',
      jobId: 'job-1',
      objects: 4,
    });

    // Act 2: still running; the sweep waits and diagnoses nothing more
    const polling = await runBatchJobs(h.jobPorts);
    const waiting = await runSweep(h.ports);
    expect(polling).toMatchObject({ running: 1, started: 0, finished: 0 });
    expect(waiting.resolved).toBe(0);
    expect(h.diagnosed).toHaveLength(1);
    expect(h.batch.starts).toHaveLength(1);

    // Act 3: complete, one task failed for another reason
    h.batch.progress = { state: 'complete', total: 4, succeeded: 3, failed: 1 };
    h.batch.rows = [
      {
        bucket: 'my-source-bucket-use1',
        key: OBJECT_KEY,
        versionId: OBJECT_VERSION_ID,
        taskStatus: 'succeeded',
      },
      { bucket: 'my-source-bucket-use1', key: 'k1', versionId: 'v1', taskStatus: 'succeeded' },
      { bucket: 'my-source-bucket-use1', key: 'k2', versionId: 'v2', taskStatus: 'succeeded' },
      {
        bucket: 'my-source-bucket-use1',
        key: 'k3',
        versionId: 'v3',
        taskStatus: 'failed',
        errorCode: 'DstObjectHardDeleted',
        httpStatus: 400,
        resultMessage: 'destination version was deleted',
      },
    ];
    const finished = await runBatchJobs(h.jobPorts);
    const completed = await runSweep(h.ports);

    // Assess 3: the report went into the ledger, the spot check passed with the exact versions, resolved
    expect(finished).toMatchObject({ finished: 1, requests: 2 });
    const objects = h.store.objectsOf(incident.incidentId);
    expect(objects.find((o) => o.key === 'k3')).toMatchObject({
      state: 'failed-again',
      lastError: 'DstObjectHardDeleted: HTTP 400: destination version was deleted',
    });
    expect(h.heads.map((o) => o.versionId)).toEqual([OBJECT_VERSION_ID, 'v1']);
    expect(completed.resolved).toBe(1);
    expect(h.store.incidents.get(incident.incidentId)?.redrive).toMatchObject({
      state: 'done',
      succeeded: 3,
      failed: 1,
    });
    expect(h.notices.at(-1)).toMatchObject({
      kind: 'resolved',
      numbers: { failed: 4, objects: 4, redriven: 3, failedAgain: 1 },
    });
  });

  it('starts the same job again when a run stopped before saving its id', async () => {
    const h = createHarness({ mode: 'auto', copyThreshold: 1 });
    const incident = h.store.seed(rootCause(), 3);
    const startedAt = '2026-01-01T11:55:00.000Z';
    await h.store.setRedrive(incident.incidentId, {
      method: 'batch',
      state: 'running',
      objects: 3,
      estimatedRequests: 5,
      startedAt,
    });

    await runSweep(h.ports);
    await runBatchJobs(h.jobPorts);

    expect(h.batch.starts[0]?.attempt).toBe(Date.parse(startedAt) / 1000);
    expect(h.store.incidents.get(incident.incidentId)?.redrive?.jobId).toBe('job-1');
    expect(h.diagnosed).toEqual([]);
  });

  it('leaves an incident with failures since its re-drive started to the sweep: no job is started', async () => {
    const h = createHarness({ mode: 'auto', copyThreshold: 1 });
    const incident = h.store.seed(rootCause(), 3);
    await h.store.setRedrive(incident.incidentId, {
      method: 'batch',
      state: 'running',
      objects: 3,
      estimatedRequests: 5,
      startedAt: '2026-01-01T11:55:00.000Z',
    });
    const stored = h.store.incidents.get(incident.incidentId);
    if (stored) stored.refailedSinceRedrive = 2;

    const report = await runBatchJobs(h.jobPorts);

    expect(report).toMatchObject({ incidents: 0, started: 0 });
    expect(h.batch.starts).toEqual([]);
  });

  it('counts a job step that fails (throttling) as an error for that incident and goes on with the others', async () => {
    const h = createHarness({ mode: 'auto', copyThreshold: 1 });
    const first = h.store.seed(rootCause(), 2);
    const second = h.store.seed(rootCause('other/key.bin', 'v9', rolePolicyCause(['s3:ReplicateTags'])), 2);
    for (const incident of [first, second])
      await h.store.setRedrive(incident.incidentId, {
        method: 'batch',
        state: 'running',
        objects: 2,
        estimatedRequests: 4,
        startedAt: '2026-01-01T11:55:00.000Z',
      });
    let calls = 0;
    const start = h.batch.start.bind(h.batch);
    h.batch.start = async (input) => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error('slow down'), { name: 'SlowDown' });
      return start(input);
    };

    const report = await runBatchJobs(h.jobPorts);

    expect(report).toMatchObject({ incidents: 2, started: 1, errors: 1 });
    expect(h.logs.some((log) => log.message === 'batch job step failed')).toBe(true);
  });

  it('writes the report into the ledger in bounded chunks', async () => {
    const h = createHarness({ mode: 'auto', copyThreshold: 10, spotCheck: 1 });
    h.store.seed(rootCause(), 250);
    h.diagnosis = () => noCauseFound();
    await runSweep(h.ports);
    await runBatchJobs(h.jobPorts);
    h.batch.progress = { state: 'complete' };

    await runBatchJobs(h.jobPorts);

    expect(h.store.markCalls.slice(0, 3)).toEqual([100, 100, 50]);
  });
});
