/**
 * An incident across episodes: re-drives, late backlogged failures, resolution and reopening. Each case was
 * a real bug found in review (an incident resolved with a failure still recorded, a reopened incident that
 * tripped at once, a backlogged event that tripped the breaker, a hand-resolved trip that never re-armed).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIncidentStore, type IncidentStore } from '../../shared/incidents/index.js';
import type { FailureRecord, RedriveInfo } from '../../shared/incidents/types.js';
import { rootCause } from '../notify/diagnoses.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';

let dynamo: LocalDynamo;
let store: IncidentStore;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});
beforeEach(async () => {
  store = createIncidentStore(dynamo.doc, await dynamo.createLedgerTable());
});

const failure = (key: string, eventTime: string): FailureRecord => ({
  bucket: 'src',
  key,
  versionId: `v-${key}`,
  failureReason: 'DstPutObjectNotPermitted',
  eventTime,
});
const redrive = (state: RedriveInfo['state'], startedAt = '2026-11-25T12:00:00.000Z'): RedriveInfo => ({
  method: 'copy',
  state,
  objects: 1,
  estimatedRequests: 2,
  startedAt,
});

describe('an incident across episodes', () => {
  it('does not resolve when a failure was recorded after the caller counted (expected count)', async () => {
    const { incident } = await store.recordFailures(rootCause(), [failure('a', '2026-11-25T10:00:00.000Z')]);
    await store.recordFailures(rootCause(), [failure('b', '2026-11-25T10:01:00.000Z')]);

    expect(await store.resolve(incident.incidentId, 'fixed', { expectCount: incident.count })).toBe(false);
    expect((await store.get(incident.incidentId))?.status).toBe('open');
    expect(await store.resolve(incident.incidentId, 'fixed', { expectCount: incident.count + 1 })).toBe(true);
  });

  it('counts as re-failures only failures from after the re-drive started, not a backlog from before', async () => {
    const { incident } = await store.recordFailures(rootCause(), [failure('a', '2026-11-25T09:00:00.000Z')]);
    await store.setRedrive(incident.incidentId, redrive('running'));

    await store.recordFailures(rootCause(), [failure('late', '2026-11-25T09:59:00.000Z')]);
    expect((await store.get(incident.incidentId))?.refailedSinceRedrive).toBe(0);

    await store.recordFailures(rootCause(), [failure('again', '2026-11-25T12:05:00.000Z')]);
    expect((await store.get(incident.incidentId))?.refailedSinceRedrive).toBe(1);
  });

  it('starts a reopened incident afresh: its old re-drive cleared, nothing counted against it', async () => {
    const { incident } = await store.recordFailures(rootCause(), [failure('a', '2026-11-25T09:00:00.000Z')]);
    await store.setRedrive(incident.incidentId, redrive('done'));
    expect(await store.resolve(incident.incidentId, 'fixed')).toBe(true);

    const reopened = await store.recordFailures(rootCause(), [failure('b', '2026-11-25T13:00:00.000Z')]);

    expect(reopened.reopened).toBe(true);
    expect(reopened.incident.redrive).toBeUndefined();
    expect(reopened.incident.refailedSinceRedrive).toBe(0);
    expect(reopened.incident.status).toBe('open');
  });

  it('re-arms a tripped breaker when a person resolves the incident and the cause comes back', async () => {
    const { incident } = await store.recordFailures(rootCause(), [failure('a', '2026-11-25T09:00:00.000Z')]);
    await store.setRedrive(incident.incidentId, redrive('tripped'));
    await store.resolve(incident.incidentId, 'resolved by hand');

    const reopened = await store.recordFailures(rootCause(), [failure('b', '2026-11-25T14:00:00.000Z')]);

    expect(reopened.incident.redrive).toBeUndefined();
  });
});
