import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import { planRedrive, runSweep } from '../../shared/incidents/sweep.js';
import { noCauseFound, rolePolicyCause, rootCause } from '../notify/diagnoses.js';
import { OBJECT_KEY, OBJECT_VERSION_ID, SOURCE_BUCKET } from '../support/seed-setup.js';
import { createHarness } from './sweep-fakes.js';

const still = (): Diagnosis => rootCause();
const fixed = (): Diagnosis => noCauseFound();

describe('a sweep with nothing open', () => {
  it('reads no settings and touches nothing else, so it loads none of the re-drive code', async () => {
    const h = createHarness();
    let settingsRead = 0;
    const report = await runSweep({
      ...h.ports,
      settings: async () => {
        settingsRead += 1;
        return h.settings;
      },
    });

    expect(report).toMatchObject({ incidents: 0, redriven: 0, resolved: 0, errors: 0 });
    expect(settingsRead).toBe(0);
    expect(h.diagnosed).toEqual([]);
    expect(h.notices).toEqual([]);
  });
});

describe('the sweep while the cause is still there', () => {
  it('re-diagnoses the first object with fresh reads and re-drives nothing', async () => {
    // Prepare
    const h = createHarness();
    h.store.seed(rootCause(), 4);
    h.diagnosis = still;

    // Act
    const report = await runSweep(h.ports);

    // Assess
    expect(report).toMatchObject({ incidents: 1, stillBroken: 1, redriven: 0, resolved: 0 });
    expect(h.diagnosed).toHaveLength(1);
    expect(h.diagnosed[0]).toMatchObject({
      sourceBucket: SOURCE_BUCKET,
      key: OBJECT_KEY,
      rawKey: 'finance/2024/q3+report.pdf',
      versionId: OBJECT_VERSION_ID,
      ruleId: 'DR-Replication-Rule',
      destinationBucketArn: 'arn:aws:s3:::my-destination-bucket-euw1',
      awsRegion: 'us-east-1',
      failureReason: 'DstPutObjectNotPermitted',
    });
    expect(h.copies).toEqual([]);
    expect(h.batch.starts).toEqual([]);
  });

  it('sends a still-open digest at most once per digest interval', async () => {
    const h = createHarness({ digestIntervalMs: 60 * 60_000 });
    const incident = h.store.seed(rootCause(), 3);
    h.diagnosis = still;

    await runSweep(h.ports);
    h.clock.now += 5 * 60_000;
    await runSweep(h.ports);
    h.clock.now += 60 * 60_000;
    await runSweep(h.ports);

    expect(h.notices.map((n) => n.kind)).toEqual(['still-open', 'still-open']);
    expect(h.notices[0]).toMatchObject({
      incident: { incidentId: incident.incidentId },
      numbers: { failed: 3 },
    });
  });

  it('re-drives nothing and says so when the re-diagnosis finds a different cause', async () => {
    const h = createHarness();
    h.store.seed(rootCause(), 2);
    h.diagnosis = () => rootCause(OBJECT_KEY, OBJECT_VERSION_ID, rolePolicyCause(['s3:ReplicateTags']));

    const report = await runSweep(h.ports);

    expect(report.stillBroken).toBe(1);
    expect(h.copies).toEqual([]);
    expect(h.notices[0]?.kind).toBe('still-open');
    expect(h.notices[0]?.details).toContain(
      'the cause changed: replication-role-policy / action-not-allowed',
    );
  });

  it('diagnoses the next sample when the first object was deleted since, as a gone object says nothing about the cause', async () => {
    const h = createHarness({ mode: 'plan' });
    h.store.seed(rootCause(), 3);
    h.diagnosis = (failure) =>
      failure.key === OBJECT_KEY
        ? {
            ...noCauseFound(),
            verdict: 'no-action-needed',
            causes: [
              { ...rolePolicyCause(), location: 'object', problem: 'object-gone', missingActions: [] },
            ],
          }
        : rootCause(failure.key, failure.versionId);

    const report = await runSweep(h.ports);

    expect(h.diagnosed.map((f) => f.key)).toEqual([OBJECT_KEY, 'k1']);
    expect(report.stillBroken).toBe(1);
    expect(report.awaitingApproval).toBe(0);
  });
});

describe('the sweep in plan mode once the cause is gone', () => {
  it('plans a copy in place with count and estimated requests, and notifies once across sweeps', async () => {
    // Prepare
    const h = createHarness({ mode: 'plan', copyThreshold: 10 });
    const incident = h.store.seed(rootCause(), 4);
    h.diagnosis = fixed;

    // Act
    const first = await runSweep(h.ports);
    const second = await runSweep(h.ports);

    // Assess
    expect(first.awaitingApproval).toBe(1);
    expect(second.awaitingApproval).toBe(1);
    expect(h.store.incidents.get(incident.incidentId)?.redrive).toMatchObject({
      method: 'copy',
      state: 'awaiting-approval',
      objects: 4,
      estimatedRequests: 8,
    });
    expect(h.notices.map((n) => n.kind)).toEqual(['redrive-planned']);
    expect(h.notices[0]?.numbers).toEqual({ objects: 4, estimatedRequests: 8 });
    expect(h.notices[0]?.details).toContain(`incidents redrive ${incident.incidentId} --execute`);
    expect(h.copies).toEqual([]);
  });

  it('plans one Batch Replication job above the copy threshold', async () => {
    const h = createHarness({ mode: 'plan', copyThreshold: 3 });
    const incident = h.store.seed(rootCause(), 4);
    h.diagnosis = fixed;

    await runSweep(h.ports);

    expect(h.store.incidents.get(incident.incidentId)?.redrive).toMatchObject({
      method: 'batch',
      objects: 4,
      estimatedRequests: 6,
    });
    expect(h.batch.starts).toEqual([]);
  });

  it('re-drives after the CLI approves, without a second planned notice', async () => {
    const h = createHarness({ mode: 'plan' });
    const incident = h.store.seed(rootCause(), 2);
    h.diagnosis = fixed;
    await runSweep(h.ports);

    expect(await h.store.approve(incident.incidentId, 'cli')).toBe(true);
    const report = await runSweep(h.ports);

    expect(report.redriven).toBe(2);
    expect(h.copies.map((o) => o.key)).toEqual([OBJECT_KEY, 'k1']);
    expect(h.store.incidents.get(incident.incidentId)?.redrive).toMatchObject({ approvedBy: 'cli' });
    expect(h.notices.map((n) => n.kind)).toEqual(['redrive-planned', 'redrive-started']);
  });

  it('re-drives a waiting plan when the mode parameter flips to auto', async () => {
    const h = createHarness({ mode: 'plan' });
    h.store.seed(rootCause(), 2);
    h.diagnosis = fixed;
    await runSweep(h.ports);

    h.settings.mode = 'auto';
    const report = await runSweep(h.ports);

    expect(report.redriven).toBe(2);
    expect(h.copies).toHaveLength(2);
  });

  it("in auto mode, waits for approval when the incident's failure reason is not opted in, as the act function does", async () => {
    // Prepare: auto mode, but only another class opted in
    const h = createHarness({ mode: 'auto', autoRetrigger: ['DstObjectHardDeleted'] });
    const incident = h.store.seed(rootCause(), 2);
    h.diagnosis = fixed;

    // Act
    const waiting = await runSweep(h.ports);
    h.settings.autoRetrigger = ['DstObjectHardDeleted', 'DstPutObjectNotPermitted'];
    const optedIn = await runSweep(h.ports);

    // Assess
    expect(waiting).toMatchObject({ awaitingApproval: 1, redriven: 0 });
    expect(h.notices[0]?.details).toContain(
      `Approve with "incidents redrive ${incident.incidentId} --execute" or opt DstPutObjectNotPermitted in to auto mode (autoRetrigger).`,
    );
    expect(optedIn.redriven).toBe(2);
    expect(h.copies).toHaveLength(2);
    expect(h.store.incidents.get(incident.incidentId)?.redrive).toMatchObject({ approvedBy: 'auto mode' });
  });

  it('in auto mode with nothing opted in, re-drives nothing by itself', async () => {
    const h = createHarness({ mode: 'auto', autoRetrigger: [] });
    h.store.seed(rootCause(), 2);
    h.diagnosis = fixed;

    const report = await runSweep(h.ports);

    expect(report).toMatchObject({ awaitingApproval: 1, redriven: 0 });
    expect(h.copies).toEqual([]);
  });

  it('does not run an approved re-drive while the cause is back', async () => {
    const h = createHarness({ mode: 'plan' });
    const incident = h.store.seed(rootCause(), 2);
    h.diagnosis = fixed;
    await runSweep(h.ports);
    await h.store.approve(incident.incidentId, 'cli');

    h.diagnosis = still;
    const report = await runSweep(h.ports);

    expect(report.stillBroken).toBe(1);
    expect(h.copies).toEqual([]);
    expect(h.store.incidents.get(incident.incidentId)?.redrive?.state).toBe('approved');
  });
});

describe('the sweep across incidents', () => {
  it('keeps sweeping the others when one incident throws, and counts and logs the error', async () => {
    const h = createHarness({ mode: 'plan' });
    const broken = h.store.seed(rootCause('a.txt', 'va'), 1);
    const healthy = h.store.seed(rootCause('b.txt', 'vb', rolePolicyCause(['s3:ReplicateDelete'])), 1);
    h.diagnosis = (failure) => {
      if (failure.key === 'a.txt')
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return fixed();
    };

    const report = await runSweep(h.ports);

    expect(report).toMatchObject({ incidents: 2, errors: 1, awaitingApproval: 1 });
    expect(h.store.incidents.get(healthy.incidentId)?.redrive?.state).toBe('awaiting-approval');
    expect(h.store.incidents.get(broken.incidentId)?.redrive).toBeUndefined();
    expect(h.logs).toContainEqual({
      level: 'error',
      message: 'incident sweep failed',
      fields: { incidentId: broken.incidentId, error: 'ThrottlingException: Rate exceeded' },
    });
  });

  it('records the number of open incidents as a metric', async () => {
    const h = createHarness();
    h.store.seed(rootCause('a.txt', 'va'), 1);
    h.store.seed(rootCause('b.txt', 'vb', rolePolicyCause(['s3:ReplicateDelete'])), 1);
    h.diagnosis = still;

    await runSweep(h.ports);

    expect(h.metrics.incidentsOpen).toEqual([2]);
  });

  it('keeps the state change when a notice cannot be delivered', async () => {
    const h = createHarness({ mode: 'plan' });
    const incident = h.store.seed(rootCause(), 1);
    h.diagnosis = fixed;
    h.ports.notify = async () => {
      throw new Error('SNS down');
    };

    const report = await runSweep(h.ports);

    expect(report.errors).toBe(0);
    expect(h.store.incidents.get(incident.incidentId)?.redrive?.state).toBe('awaiting-approval');
    expect(h.logs.some((l) => l.level === 'error' && l.message === 'incident notice not delivered')).toBe(
      true,
    );
  });
});

describe('planning a re-drive', () => {
  it('copies in place up to the threshold and uses one Batch Replication job above it', () => {
    expect(planRedrive(100, 100)).toEqual({ method: 'copy', estimatedRequests: 200 });
    expect(planRedrive(101, 100)).toEqual({ method: 'batch', estimatedRequests: 103 });
  });
});
