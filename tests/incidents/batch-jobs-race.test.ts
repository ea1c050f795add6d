/**
 * The sweep and the Batch Replication job runner run on the same schedule and may write one incident's
 * re-drive at the same moment. On the real store (dynalite): whichever lands first, a started job's id is
 * never lost, and neither overwrites a re-drive it did not read.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runBatchJobs } from '../../shared/incidents/batch-jobs.js';
import { createIncidentStore, type IncidentStore, incidentIdOf } from '../../shared/incidents/index.js';
import { runSweep } from '../../shared/incidents/sweep.js';
import { rootCause } from '../notify/diagnoses.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { SOURCE_BUCKET } from '../support/seed-setup.js';
import { createHarness, type Harness } from './sweep-fakes.js';

let dynamo: LocalDynamo;
let store: IncidentStore;
let h: Harness;
const diagnosis = rootCause();
const id = incidentIdOf(diagnosis);
const HANDED_OVER = {
  method: 'batch' as const,
  state: 'running' as const,
  objects: 3,
  estimatedRequests: 5,
  startedAt: '2026-01-01T11:00:00.000Z',
};

const failure = (key: string, eventTime = '2026-01-01T10:00:00.000Z') => ({
  bucket: SOURCE_BUCKET,
  key,
  versionId: `v-${key}`,
  failureReason: 'DstPutObjectNotPermitted',
  eventTime,
});

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});
beforeEach(async () => {
  h = createHarness({ mode: 'auto', copyThreshold: 1 });
  store = createIncidentStore(dynamo.doc, await dynamo.createLedgerTable(), { now: () => h.clock.now });
  h.ports.store = store;
  h.jobPorts.store = store;
  await store.recordFailures(
    diagnosis,
    ['a', 'b', 'c'].map((key) => failure(key)),
  );
  await store.setRedrive(id, HANDED_OVER, { expectState: 'none' });
});

describe('the sweep and the job runner on one handed-over incident', () => {
  it('keeps a job id recorded between the sweep reading the incident and tripping it; the next sweep trips with it', async () => {
    // The sweep lists the incident (no job yet) after a failure of the same cause arrived ...
    await store.recordFailures(diagnosis, [failure('d', '2026-01-01T11:30:00.000Z')]);
    const listedBySweep = await store.listOpen();
    // ... and the job runner, which listed it before that failure, records its job meanwhile (its write).
    await store.setRedrive(
      id,
      { ...HANDED_OVER, jobId: 'job-1' },
      { expectState: 'running', expectRedrive: { startedAt: HANDED_OVER.startedAt, jobId: undefined } },
    );

    const stale = await runSweep({ ...h.ports, store: { ...store, listOpen: async () => listedBySweep } });
    const next = await runSweep(h.ports);

    expect(stale.tripped).toBe(0);
    expect(next.tripped).toBe(1);
    expect((await store.get(id))?.redrive).toMatchObject({ state: 'tripped', jobId: 'job-1' });
  });

  it('keeps the id of a job started after the sweep tripped the re-drive, on the tripped re-drive', async () => {
    // The job runner lists the incident while it is handed over ...
    const listedByJobs = await store.listOpen();
    // ... the same cause fails again and the sweep trips the re-drive ...
    await store.recordFailures(diagnosis, [failure('d', '2026-01-01T11:30:00.000Z')]);
    const swept = await runSweep(h.ports);
    // ... then the job runner starts the job it had listed.
    const jobs = await runBatchJobs({
      ...h.jobPorts,
      store: { ...store, listOpen: async () => listedByJobs },
    });

    expect(swept.tripped).toBe(1);
    expect(h.batch.starts).toHaveLength(1);
    expect(jobs.started).toBe(0);
    expect((await store.get(id))?.redrive).toMatchObject({ state: 'tripped', jobId: 'job-1' });
    expect(
      h.logs.find((log) => log.message === 'batch job started but the re-drive changed meanwhile'),
    ).toMatchObject({
      fields: { incidentId: id, jobId: 'job-1', state: 'tripped', jobIdKept: true },
    });
  });

  it('does not write a finished job report over a newer re-drive of the same incident', async () => {
    await runBatchJobs(h.jobPorts);
    const listedByJobs = await store.listOpen();
    // A person re-arms and the sweep restarts the re-drive (a new startedAt, no job yet) while the old report
    // is being read.
    const restarted = { ...HANDED_OVER, startedAt: '2026-01-01T12:00:00.000Z' };
    await store.setRedrive(id, restarted, { expectState: 'running' });
    h.batch.progress = { state: 'complete' };

    const jobs = await runBatchJobs({
      ...h.jobPorts,
      store: { ...store, listOpen: async () => listedByJobs },
    });

    expect(jobs.finished).toBe(0);
    expect((await store.get(id))?.redrive).toEqual(restarted);
  });
});
