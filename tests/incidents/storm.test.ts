/**
 * The storm: 100,000 failure records sharing one cause, through the real diagnosis and incident code
 * in batches against dynalite. Then the cause is fixed in the snapshot and the sweep re-drives.
 * STORM_RECORDS overrides the size (the default is the 100,000).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { redriveStorm, runStorm } from '../support/storm.js';

const RECORDS = Number(process.env.STORM_RECORDS ?? 100_000);
const BROKEN = 'cross-account-destination-bucket-policy-missing';
const FIXED = 'fixed-since-no-cause-found';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

describe(`a storm of ${RECORDS.toLocaleString('en')} failures with one cause`, () => {
  it('becomes one incident with one opening notice, bounded updates and every object in the ledger; once fixed, one Batch Replication job re-drives it and it resolves', async () => {
    // Act: the storm
    const storm = await runStorm({
      dynamo,
      records: RECORDS,
      causes: [BROKEN],
      slackUpdateIntervalMs: 60_000,
    });

    // Assess: one incident, one notice, every object
    const open = await storm.store.listOpen();
    expect(open).toHaveLength(1);
    const [incident] = open;
    if (!incident) throw new Error('no incident');
    expect(incident.count).toBe(RECORDS);
    expect(incident.diagnosis.causes[0]).toMatchObject({
      location: 'destination-bucket-policy',
      missingActions: ['s3:ReplicateObject'],
    });
    expect(await storm.store.countObjects(incident.incidentId)).toBe(RECORDS);
    expect(storm.counts.openingNotices).toBe(1);
    expect(storm.counts.otherNotifications).toBe(0);
    // At most one Slack edit per minute of (simulated) storm, never one per batch.
    const minutes = Math.ceil((storm.clock.now - Date.parse('2026-11-25T08:00:00.000Z')) / 60_000);
    expect(storm.counts.slackEdits).toBeLessThanOrEqual(minutes);
    // A storm that lasts past the interval does get its living message updated.
    if (minutes >= 2) expect(storm.counts.slackEdits).toBeGreaterThan(0);

    // Act: the cause is fixed; the sweep verifies and re-drives
    const redrive = await redriveStorm(storm, FIXED);

    // Assess: one job for every object, then resolved with the numbers
    expect(redrive.createJobCalls).toBe(1);
    expect(redrive.manifestRows).toBe(RECORDS);
    expect(await storm.store.listOpen()).toEqual([]);
    const resolved = await storm.store.get(incident.incidentId);
    expect(resolved?.status).toBe('resolved');
    const notice = redrive.notices.find((n) => n.kind === 'resolved');
    expect(notice?.numbers).toMatchObject({ redriven: RECORDS });
  }, 600_000);
});
