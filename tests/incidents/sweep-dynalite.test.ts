/**
 * The sweep against the real incident store on dynalite: concurrent batches recording one storm,
 * overlapping sweeps, and a Batch Replication re-drive from the ledger (handed to the job runner) through to
 * resolution.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runBatchJobs } from '../../shared/incidents/batch-jobs.js';
import { createIncidentStore, type IncidentStore, incidentIdOf } from '../../shared/incidents/index.js';
import { runSweep } from '../../shared/incidents/sweep.js';
import type { FailureRecord } from '../../shared/incidents/types.js';
import { noCauseFound, rootCause } from '../notify/diagnoses.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { SOURCE_BUCKET } from '../support/seed-setup.js';
import { createHarness, type Harness } from './sweep-fakes.js';

let dynamo: LocalDynamo;
let store: IncidentStore;
let h: Harness;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

beforeEach(async () => {
  const table = await dynamo.createLedgerTable();
  h = createHarness({ mode: 'auto', copyThreshold: 50, spotCheck: 5 });
  store = createIncidentStore(dynamo.doc, table, { now: () => h.clock.now });
  h.ports.store = store;
  h.jobPorts.store = store;
});

const failures = (from: number, to: number, eventTime = '2026-01-01T10:00:00.000Z'): FailureRecord[] =>
  Array.from({ length: to - from }, (_, i) => ({
    bucket: SOURCE_BUCKET,
    key: `logs/part-${String(from + i).padStart(5, '0')}.json.gz`,
    versionId: `v${from + i}`,
    failureReason: 'DstPutObjectNotPermitted',
    eventTime,
  }));

describe('the sweep on the real incident store', () => {
  it('re-drives a storm recorded by concurrent batches with one Batch Replication job from the ledger and resolves it', async () => {
    // Prepare: 600 failures of one cause, recorded by 6 batches at once, with a redelivered batch
    const diagnosis = rootCause('logs/part-00000.json.gz', 'v0');
    const batches = [0, 1, 2, 3, 4, 5].map((b) => failures(b * 100, b * 100 + 100));
    await Promise.all([...batches, batches[2] ?? []].map((batch) => store.recordFailures(diagnosis, batch)));
    const id = incidentIdOf(diagnosis);
    h.diagnosis = () => noCauseFound('logs/part-00000.json.gz', 'v0');

    // Act: the sweep hands over, the job runner starts the job; then the job completes
    const started = await runSweep(h.ports);
    const jobStarted = await runBatchJobs(h.jobPorts);
    h.batch.progress = { state: 'complete' };
    const jobFinished = await runBatchJobs(h.jobPorts);
    const completed = await runSweep(h.ports);

    // Assess
    expect(started).toMatchObject({ incidents: 1, redriven: 600 });
    expect(jobStarted).toMatchObject({ started: 1, errors: 0 });
    expect(jobFinished).toMatchObject({ finished: 1, errors: 0 });
    expect(h.batch.starts).toHaveLength(1);
    const rows = h.batch.starts[0]?.rows ?? [];
    expect(rows).toHaveLength(600);
    expect(new Set(rows.map((row) => row.key)).size).toBe(600);
    expect(completed.resolved).toBe(1);
    const incident = await store.get(id);
    expect(incident?.status).toBe('resolved');
    expect(incident?.redrive).toMatchObject({ method: 'batch', state: 'done', succeeded: 600, failed: 0 });
    expect(await store.listOpen()).toEqual([]);
    expect(h.notices.at(-1)).toMatchObject({
      kind: 'resolved',
      numbers: { failed: 700, objects: 600, redriven: 600, failedAgain: 0, timeToRepairMinutes: 120 },
    });
  });

  it('plans and notifies once when two sweeps overlap in plan mode', async () => {
    h.settings.mode = 'plan';
    await store.recordFailures(rootCause('logs/part-00000.json.gz', 'v0'), failures(0, 20));
    h.diagnosis = () => noCauseFound();

    const reports = await Promise.all([runSweep(h.ports), runSweep(h.ports)]);

    expect(h.notices.filter((n) => n.kind === 'redrive-planned')).toHaveLength(1);
    expect(reports.reduce((sum, r) => sum + r.awaitingApproval, 0)).toBe(1);
    const [open] = await store.listOpen();
    expect(open?.redrive).toMatchObject({ method: 'copy', state: 'awaiting-approval', objects: 20 });
  });

  it('copies after approval, trips when the same cause fails again, and stays tripped', async () => {
    h.settings.mode = 'plan';
    const diagnosis = rootCause('logs/part-00000.json.gz', 'v0');
    await store.recordFailures(diagnosis, failures(0, 5));
    const id = incidentIdOf(diagnosis);
    h.diagnosis = () => noCauseFound();
    await runSweep(h.ports);
    expect(await store.approve(id, 'cli')).toBe(true);

    await runSweep(h.ports);
    const copied = h.copies.length;
    await store.recordFailures(diagnosis, failures(5, 7, '2026-01-01T12:01:00.000Z'));
    const tripped = await runSweep(h.ports);
    const later = await runSweep(h.ports);

    expect(copied).toBe(5);
    expect(tripped.tripped).toBe(1);
    expect(later.tripped).toBe(1);
    expect(h.copies).toHaveLength(5);
    const incident = await store.get(id);
    expect(incident?.status).toBe('open');
    expect(incident?.redrive?.state).toBe('tripped');
    expect(h.notices.filter((n) => n.kind === 'reopened')).toHaveLength(1);
  });
});
