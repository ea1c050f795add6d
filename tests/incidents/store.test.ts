import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createIncidentStore,
  IncidentInputError,
  IncidentNotFoundError,
  type IncidentStore,
  incidentIdOf,
  incidentKey,
} from '../../shared/incidents/index.js';
import { causeSignature } from '../../shared/notify/notification.js';
import { noCauseFound } from '../notify/diagnoses.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { DESTINATION_BUCKET, RULE_ID, SOURCE_BUCKET } from '../support/seed-setup.js';
import {
  collect,
  failure,
  failures,
  identityOf,
  inconclusiveDiagnosis,
  iso,
  rolePolicyDiagnosis,
  START,
} from './store-fixtures.js';

let dynamo: LocalDynamo;
let table: string;
let now: number;
let store: IncidentStore;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

beforeEach(async () => {
  table = await dynamo.createLedgerTable();
  now = START + 3_600_000;
  store = createIncidentStore(dynamo.doc, table, { now: () => now });
});

const ID = incidentIdOf(rolePolicyDiagnosis());

async function rawIncident(id = ID): Promise<Record<string, unknown> | undefined> {
  const output = await dynamo.doc.send(new GetCommand({ TableName: table, Key: incidentKey(id) }));
  return output.Item;
}

describe('recording failures in their incident', () => {
  it('opens an incident for a new cause with its route, counts, times, samples and the diagnosis', async () => {
    // Prepare
    const diagnosis = rolePolicyDiagnosis();

    // Act
    const outcome = await store.recordFailures(diagnosis, failures(0, 3));

    // Assess
    expect(outcome).toMatchObject({ opened: true, reopened: false, added: 3 });
    expect(outcome.incident).toEqual({
      incidentId: ID,
      signature: causeSignature(diagnosis),
      status: 'open',
      sourceBucket: SOURCE_BUCKET,
      ruleId: RULE_ID,
      destinationBucket: DESTINATION_BUCKET,
      failureReasons: ['DstPutObjectNotPermitted'],
      count: 3,
      firstSeen: iso(START),
      lastSeen: iso(START + 2000),
      sampleKeys: failures(0, 3).map(({ key, versionId }) => ({ key, versionId })),
      diagnosis,
      openedAt: iso(now),
      reopenCount: 0,
      refailedSinceRedrive: 0,
    });
    expect(ID).toMatch(/^[0-9a-f]{16}$/);
  });

  it('tells only the first batch that it opened the incident', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 2));

    const second = await store.recordFailures(rolePolicyDiagnosis(), failures(2, 2));

    expect(second).toMatchObject({ opened: false, reopened: false, added: 2 });
    expect(second.incident.count).toBe(4);
  });

  it('counts every event, duplicates included, while a redelivered object stays one item', async () => {
    const once = failure(7);

    await store.recordFailures(rolePolicyDiagnosis(), [once, once]);
    const outcome = await store.recordFailures(rolePolicyDiagnosis(), [once]);

    expect(outcome.incident.count).toBe(3);
    expect(outcome.added).toBe(1);
    expect(await store.countObjects(ID)).toBe(1);
  });

  it('keeps at most five distinct sample keys, the earliest first, however many batches add objects', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), [failure(0), failure(1)]);
    await store.recordFailures(rolePolicyDiagnosis(), [failure(1), failure(2), failure(3)]);
    const outcome = await store.recordFailures(rolePolicyDiagnosis(), failures(4, 10));

    const keys = outcome.incident.sampleKeys.map((sample) => sample.key);
    expect(keys).toEqual(failures(0, 5).map((f) => f.key));
  });

  it('collects the distinct failure reasons as a set', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), [
      failure(0, { failureReason: 'DstPutObjectNotPermitted' }),
      failure(1, { failureReason: 'DstPutLegalHoldNotPermitted' }),
    ]);
    const outcome = await store.recordFailures(rolePolicyDiagnosis(), [
      failure(2, { failureReason: 'DstPutObjectNotPermitted' }),
      failure(3, { failureReason: undefined }),
    ]);

    expect(outcome.incident.failureReasons).toEqual([
      'DstPutLegalHoldNotPermitted',
      'DstPutObjectNotPermitted',
    ]);
  });

  it('moves last seen only forward and first seen only back when a late batch carries older events', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(100, 5));

    const late = await store.recordFailures(rolePolicyDiagnosis(), failures(10, 5));

    expect(late.incident.lastSeen).toBe(iso(START + 104_000));
    expect(late.incident.firstSeen).toBe(iso(START + 10_000));
    expect(late.incident.count).toBe(10);
  });

  it('normalises event times so that times written differently still compare', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), [failure(0, { eventTime: '2025-03-01T10:00:05Z' })]);

    const outcome = await store.recordFailures(rolePolicyDiagnosis(), [
      failure(1, { eventTime: '2025-03-01T10:00:04.999Z' }),
    ]);

    expect(outcome.incident.lastSeen).toBe('2025-03-01T10:00:05.000Z');
  });

  it('makes another incident for another cause on the same route', async () => {
    const a = await store.recordFailures(rolePolicyDiagnosis(), failures(0, 1));
    const b = await store.recordFailures(inconclusiveDiagnosis(), failures(1, 1));

    expect(a.incident.incidentId).not.toBe(b.incident.incidentId);
    expect(b.opened).toBe(true);
    expect((await store.listOpen()).map((incident) => incident.incidentId).sort()).toEqual(
      [a.incident.incidentId, b.incident.incidentId].sort(),
    );
  });

  it('refuses a diagnosis whose cause is already gone: that takes the retrigger path, not an incident', async () => {
    await expect(store.recordFailures(noCauseFound(), failures(0, 1))).rejects.toThrow(IncidentInputError);
    expect(await store.listOpen()).toEqual([]);
  });

  it('refuses an empty batch and an event time that is not a time', async () => {
    await expect(store.recordFailures(rolePolicyDiagnosis(), [])).rejects.toThrow(IncidentInputError);
    await expect(
      store.recordFailures(rolePolicyDiagnosis(), [failure(0, { eventTime: 'yesterday' })]),
    ).rejects.toThrow(IncidentInputError);
    expect(await store.get(ID)).toBeUndefined();
  });
});

describe("an incident's objects", () => {
  it('lists back exactly every one of 2,000 objects written in batches, across several query pages', async () => {
    // Long keys make the listing span more than one 1 MB query page.
    const padding = 'x'.repeat(600);
    const all = Array.from({ length: 2000 }, (_, i) => failure(i, { key: `${padding}/object-${i}` }));
    for (let start = 0; start < all.length; start += 500) {
      await store.recordFailures(rolePolicyDiagnosis(), all.slice(start, start + 500));
    }
    const send = dynamo.doc.send.bind(dynamo.doc);
    let queries = 0;
    const counting = createIncidentStore(
      Object.assign(Object.create(dynamo.doc), {
        send: (command: Parameters<typeof send>[0]) => {
          if (command.constructor.name === 'QueryCommand') queries += 1;
          return send(command);
        },
      }),
      table,
    );

    const listed = await collect(counting.listObjects(ID));

    expect(queries).toBeGreaterThan(1);
    expect(listed).toHaveLength(2000);
    expect(new Set(listed.map(identityOf))).toEqual(new Set(all.map(identityOf)));
    expect(await counting.countObjects(ID)).toBe(2000);
    expect(listed.every((object) => object.state === 'failed' && object.incidentId === ID)).toBe(true);
  });

  it('keeps objects apart whose keys differ only around a #, and round-trips unicode and 1,024-byte keys', async () => {
    // S3's longest key, 1,024 bytes of UTF-8: too long for a readable sort key, so it is stored under a digest.
    const longKey = `deep/${'ü'.repeat(509)}x`;
    const tricky = [
      failure(0, { key: 'a', versionId: 'b#c' }),
      failure(1, { key: 'a#b', versionId: 'c' }),
      failure(2, { key: 'a#b#c', versionId: undefined }),
      failure(3, { key: 'a', versionId: 'null' }),
      failure(4, { key: 'a', versionId: undefined }),
      failure(5, { key: 'données/été/rapport 😀.pdf' }),
      failure(6, { key: longKey }),
      failure(7, { key: longKey, versionId: 'other-version' }),
    ];

    const outcome = await store.recordFailures(rolePolicyDiagnosis(), tricky);
    const listed = await collect(store.listObjects(ID));

    expect(outcome.added).toBe(8);
    expect(listed.map(identityOf).sort()).toEqual(tricky.map(identityOf).sort());
  });

  it('marks objects and filters the listing and the count by state', async () => {
    const all = failures(0, 10);
    await store.recordFailures(rolePolicyDiagnosis(), all);

    await store.markObjects(ID, [
      ...all
        .slice(0, 3)
        .map((f) => ({ bucket: f.bucket, key: f.key, versionId: f.versionId, state: 'redriven' as const })),
      ...all.slice(3, 5).map((f) => ({
        bucket: f.bucket,
        key: f.key,
        versionId: f.versionId,
        state: 'failed-again' as const,
        lastError: 'AccessDenied: s3:ReplicateObject',
      })),
    ]);

    const again = await collect(store.listObjects(ID, { states: ['failed-again'] }));
    expect(again.map((object) => object.key)).toEqual(all.slice(3, 5).map((f) => f.key));
    expect(again.every((object) => object.lastError === 'AccessDenied: s3:ReplicateObject')).toBe(true);
    expect(again[0]).toMatchObject({
      failureReason: 'DstPutObjectNotPermitted',
      firstSeen: iso(START + 3000),
    });
    expect(await store.countObjects(ID, { states: ['failed'] })).toBe(5);
    expect(await store.countObjects(ID, { states: ['redriven', 'replicated'] })).toBe(3);
    expect(await collect(store.listObjects(ID, { states: [] }))).toEqual([]);
  });

  it('clears the last error when an object that failed again is marked replicated', async () => {
    const [one] = failures(0, 1);
    if (!one) throw new Error('fixture');
    await store.recordFailures(rolePolicyDiagnosis(), [one]);
    await store.markObjects(ID, [{ ...one, state: 'failed-again', lastError: 'AccessDenied' }]);

    await store.markObjects(ID, [{ ...one, state: 'replicated' }]);

    const [object] = await collect(store.listObjects(ID));
    expect(object?.state).toBe('replicated');
    expect(object).not.toHaveProperty('lastError');
  });

  it('applies the last of several marks of one object and creates no item for an object it never recorded', async () => {
    const [one] = failures(0, 1);
    if (!one) throw new Error('fixture');
    await store.recordFailures(rolePolicyDiagnosis(), [one]);

    await store.markObjects(ID, [
      { ...one, state: 'redriven' },
      { ...one, state: 'replicated' },
      { bucket: SOURCE_BUCKET, key: 'never/recorded.txt', state: 'replicated' },
    ]);

    expect((await collect(store.listObjects(ID))).map((object) => [object.key, object.state])).toEqual([
      [one.key, 'replicated'],
    ]);
  });
});

describe('notification claims', () => {
  it('allows one claim per interval among ten concurrent callers, and one again once the interval has passed', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 1));
    const claimAll = () =>
      Promise.all(Array.from({ length: 10 }, () => store.claimNotification(ID, 'digest', 60_000)));

    const first = await claimAll();
    now += 59_999;
    const tooSoon = await claimAll();
    now += 1;
    const due = await claimAll();

    expect(first.filter(Boolean)).toHaveLength(1);
    expect(tooSoon.filter(Boolean)).toHaveLength(0);
    expect(due.filter(Boolean)).toHaveLength(1);
    expect((await store.get(ID))?.lastDigestAt).toBe(iso(now));
  });

  it('limits Slack edits and SNS digests separately', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 1));

    expect(await store.claimNotification(ID, 'digest', 60_000)).toBe(true);
    expect(await store.claimNotification(ID, 'slack-update', 60_000)).toBe(true);
    expect(await store.claimNotification(ID, 'slack-update', 60_000)).toBe(false);
  });

  it('stores the Slack message and counts posting it as the latest Slack write', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 1));

    await store.setSlackMessage(ID, { ts: '1733912345.000100', channel: 'C0123ABCD' });

    expect((await store.get(ID))?.slack).toEqual({ ts: '1733912345.000100', channel: 'C0123ABCD' });
    expect(await store.claimNotification(ID, 'slack-update', 60_000)).toBe(false);
    now += 60_000;
    expect(await store.claimNotification(ID, 'slack-update', 60_000)).toBe(true);
  });

  it('claims nothing for an incident that does not exist, and cannot attach a message to one', async () => {
    expect(await store.claimNotification('0000000000000000', 'digest', 0)).toBe(false);
    await expect(store.setSlackMessage('0000000000000000', { ts: '1.2', channel: 'C1' })).rejects.toThrow(
      IncidentNotFoundError,
    );
    expect(await rawIncident('0000000000000000')).toBeUndefined();
  });
});

describe('re-drive state', () => {
  const plan = { method: 'batch' as const, objects: 3, estimatedRequests: 5 };

  it('sets a re-drive only when the expected state holds', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 3));

    expect(await store.setRedrive(ID, { ...plan, state: 'awaiting-approval' }, { expectState: 'none' })).toBe(
      true,
    );
    expect(await store.setRedrive(ID, { ...plan, state: 'awaiting-approval' }, { expectState: 'none' })).toBe(
      false,
    );
    expect(await store.setRedrive(ID, { ...plan, state: 'running' }, { expectState: 'approved' })).toBe(
      false,
    );
    expect((await store.get(ID))?.redrive).toEqual({ ...plan, state: 'awaiting-approval' });
  });

  it('approves only a re-drive awaiting approval, and records who approved it', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 3));
    expect(await store.approve(ID, 'alice@example.com')).toBe(false);
    await store.setRedrive(ID, { ...plan, state: 'awaiting-approval' }, { expectState: 'none' });

    expect(await store.approve(ID, 'alice@example.com')).toBe(true);
    expect(await store.approve(ID, 'bob@example.com')).toBe(false);
    expect((await store.get(ID))?.redrive).toEqual({
      ...plan,
      state: 'approved',
      approvedBy: 'alice@example.com',
    });
  });

  it('counts re-failures only while a re-drive is running, verifying or done', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 3));
    await store.setRedrive(ID, { ...plan, state: 'awaiting-approval' }, { expectState: 'none' });
    await store.recordFailures(rolePolicyDiagnosis(), failures(3, 1));
    const before = (await store.get(ID))?.refailedSinceRedrive;

    await store.setRedrive(
      ID,
      { ...plan, state: 'running', jobId: 'job-1' },
      { expectState: 'awaiting-approval' },
    );
    await store.recordFailures(rolePolicyDiagnosis(), failures(4, 2));
    await store.setRedrive(ID, { ...plan, state: 'verifying', jobId: 'job-1' }, { expectState: 'running' });
    await store.recordFailures(rolePolicyDiagnosis(), failures(6, 1));
    await store.setRedrive(ID, { ...plan, state: 'done', jobId: 'job-1' }, { expectState: 'verifying' });
    await store.recordFailures(rolePolicyDiagnosis(), failures(7, 1));
    await store.setRedrive(ID, { ...plan, state: 'tripped', jobId: 'job-1' }, { expectState: 'done' });
    await store.recordFailures(rolePolicyDiagnosis(), failures(8, 5));

    expect(before).toBe(0);
    expect((await store.get(ID))?.refailedSinceRedrive).toBe(4);
  });

  it('starts each re-drive with no re-failures, and keeps the count through progress updates while it runs', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 3));
    await store.setRedrive(ID, { ...plan, state: 'running' }, { expectState: 'none' });
    await store.recordFailures(rolePolicyDiagnosis(), failures(3, 2));
    await store.setRedrive(ID, { ...plan, state: 'tripped' }, { expectState: 'running' });

    // Without an expectation: restarting from tripped resets, a progress update of a running one does not.
    await store.setRedrive(ID, { ...plan, state: 'running', startedAt: iso(now) });
    const restarted = (await store.get(ID))?.refailedSinceRedrive;
    // A failure from after the restart (one from before it would be a backlog, not a re-failure).
    await store.recordFailures(rolePolicyDiagnosis(), [failure(5, { eventTime: iso(now + 60_000) })]);
    await store.setRedrive(ID, { ...plan, state: 'running', startedAt: iso(now), succeeded: 2 });

    expect(restarted).toBe(0);
    expect(await store.get(ID)).toMatchObject({
      refailedSinceRedrive: 1,
      redrive: { state: 'running', succeeded: 2 },
    });
  });

  it('reports false for a re-drive of an incident that does not exist', async () => {
    expect(await store.setRedrive('0000000000000000', { ...plan, state: 'running' })).toBe(false);
    expect(await store.setRedrive('0000000000000000', { ...plan, state: 'done' })).toBe(false);
  });
});

describe('resolving and reopening', () => {
  it('resolves an open incident once, takes it off the open list and keeps it for the retention period', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 1));

    expect(await store.resolve(ID, 'cause fixed; 1 object re-driven')).toBe(true);
    expect(await store.resolve(ID)).toBe(false);

    expect(await store.listOpen()).toEqual([]);
    expect(await store.get(ID)).toMatchObject({
      status: 'resolved',
      resolvedAt: iso(now),
      note: 'cause fixed; 1 object re-driven',
    });
    const raw = await rawIncident();
    expect(raw).not.toHaveProperty('gsi1pk');
    expect(raw?.expiresAt).toBe(Math.floor((now + 180 * 24 * 3_600_000) / 1000));
  });

  it('reopens a resolved incident when its cause fails again, and tells that batch it reopened it', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 1));
    await store.resolve(ID);
    now += 60_000;

    const outcome = await store.recordFailures(rolePolicyDiagnosis(), failures(1, 1));

    expect(outcome).toMatchObject({ opened: false, reopened: true });
    expect(outcome.incident).toMatchObject({
      status: 'open',
      reopenCount: 1,
      reopenedAt: iso(now),
      count: 2,
    });
    expect(outcome.incident).not.toHaveProperty('resolvedAt');
    expect((await store.listOpen()).map((incident) => incident.incidentId)).toEqual([ID]);
    expect(await rawIncident()).not.toHaveProperty('expiresAt');
  });

  it('reopens a resolved incident by hand with a note', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 1));
    await store.resolve(ID);

    expect(await store.reopen(ID, 'objects failed again after the fix')).toBe(true);

    expect(await store.get(ID)).toMatchObject({
      status: 'open',
      reopenCount: 1,
      note: 'objects failed again after the fix',
    });
    expect(await store.listOpen()).toHaveLength(1);
  });

  it('trips a running re-drive of an open incident instead, and refuses when there is nothing to reopen or trip', async () => {
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 1));
    expect(await store.reopen(ID, 'nothing running')).toBe(false);
    await store.setRedrive(ID, { method: 'copy', state: 'running', objects: 1, estimatedRequests: 3 });

    expect(await store.reopen(ID, 're-driven objects failed again with the same cause')).toBe(true);

    expect(await store.get(ID)).toMatchObject({
      status: 'open',
      reopenCount: 0,
      redrive: { state: 'tripped', note: 're-driven objects failed again with the same cause' },
    });
  });
});
