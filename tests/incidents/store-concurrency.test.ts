/**
 * Several batches (Lambda invocations) write one incident at the same moment. dynalite serialises the
 * writes as DynamoDB does, so these show the conditional updates decide each transition exactly once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createIncidentStore,
  type IncidentStore,
  incidentIdOf,
  type RecordOutcome,
} from '../../shared/incidents/index.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { collect, failures, iso, rolePolicyDiagnosis, START } from './store-fixtures.js';

let dynamo: LocalDynamo;
let table: string;
const ID = incidentIdOf(rolePolicyDiagnosis());

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

beforeEach(async () => {
  table = await dynamo.createLedgerTable();
});

/** One store per "Lambda", as each invocation would build its own. */
const lambdas = (count: number): IncidentStore[] =>
  Array.from({ length: count }, () => createIncidentStore(dynamo.doc, table));

describe('concurrent batches of one cause', () => {
  it('open exactly one incident among ten batches racing to create it, and count every event', async () => {
    // Prepare: ten batches of 30 failures each, overlapping in time, from ten "Lambdas".
    const batches = Array.from({ length: 10 }, (_, i) => failures(i * 30, 30));

    // Act
    const outcomes = await Promise.all(
      lambdas(10).map((store, i) => store.recordFailures(rolePolicyDiagnosis(), batches[i] ?? [])),
    );

    // Assess
    const [store] = lambdas(1);
    if (!store) throw new Error('no store');
    const incident = await store.get(ID);
    expect(outcomes.filter((outcome) => outcome.opened)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.reopened)).toHaveLength(0);
    expect(incident?.count).toBe(300);
    expect(incident?.firstSeen).toBe(iso(START));
    expect(incident?.lastSeen).toBe(iso(START + 299_000));
    expect(incident?.sampleKeys.length).toBeLessThanOrEqual(5);
    expect(new Set(incident?.sampleKeys.map((sample) => sample.key)).size).toBe(incident?.sampleKeys.length);
    expect(await store.countObjects(ID)).toBe(300);
    expect(await store.listOpen()).toHaveLength(1);
  });

  it('never exceed five samples while twenty batches add objects to a new incident at once', async () => {
    const outcomes = await Promise.all(
      lambdas(20).map((store, i) => store.recordFailures(rolePolicyDiagnosis(), failures(i * 3, 3))),
    );

    const [store] = lambdas(1);
    const samples = (await store?.get(ID))?.sampleKeys ?? [];
    expect(outcomes.filter((outcome) => outcome.opened)).toHaveLength(1);
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(samples.length).toBeLessThanOrEqual(5);
  });

  it('leave last seen at the latest event whatever order the batches land in', async () => {
    const [first, ...rest] = lambdas(9);
    await first?.recordFailures(rolePolicyDiagnosis(), failures(500, 1));

    // Older batches race each other after a newer one has landed.
    await Promise.all(
      rest.map((store, i) => store.recordFailures(rolePolicyDiagnosis(), failures(i * 10, 10))),
    );

    const incident = await first?.get(ID);
    expect(incident?.lastSeen).toBe(iso(START + 500_000));
    expect(incident?.firstSeen).toBe(iso(START));
    expect(incident?.count).toBe(81);
  });

  it('reopen a resolved incident exactly once among ten batches racing in after the resolution', async () => {
    const [store] = lambdas(1);
    if (!store) throw new Error('no store');
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 1));
    await store.resolve(ID);

    const outcomes: RecordOutcome[] = await Promise.all(
      lambdas(10).map((other, i) => other.recordFailures(rolePolicyDiagnosis(), failures(10 + i, 1))),
    );

    expect(outcomes.filter((outcome) => outcome.reopened)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.opened)).toHaveLength(0);
    expect(await store.get(ID)).toMatchObject({ status: 'open', reopenCount: 1, count: 11 });
  });

  it('count re-failures from batches racing while a re-drive runs', async () => {
    const [store] = lambdas(1);
    if (!store) throw new Error('no store');
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 5));
    await store.setRedrive(
      ID,
      { method: 'batch', state: 'running', objects: 5, estimatedRequests: 7 },
      { expectState: 'none' },
    );

    await Promise.all(
      lambdas(8).map((other, i) => other.recordFailures(rolePolicyDiagnosis(), failures(10 + i * 2, 2))),
    );

    expect(await store.get(ID)).toMatchObject({ refailedSinceRedrive: 16, count: 21 });
  });
});

describe('concurrent operators and sweeps', () => {
  it('let one of five racing resolutions win, and one of five racing approvals', async () => {
    const [store] = lambdas(1);
    if (!store) throw new Error('no store');
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 1));
    await store.setRedrive(ID, {
      method: 'copy',
      state: 'awaiting-approval',
      objects: 1,
      estimatedRequests: 3,
    });

    const approvals = await Promise.all(lambdas(5).map((other, i) => other.approve(ID, `operator-${i}`)));
    const resolutions = await Promise.all(lambdas(5).map((other) => other.resolve(ID)));

    expect(approvals.filter(Boolean)).toHaveLength(1);
    expect(resolutions.filter(Boolean)).toHaveLength(1);
  });

  it('let one of two overlapping sweeps plan the re-drive', async () => {
    const [store] = lambdas(1);
    if (!store) throw new Error('no store');
    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 1));

    const planned = await Promise.all(
      lambdas(2).map((sweep) =>
        sweep.setRedrive(
          ID,
          { method: 'copy', state: 'awaiting-approval', objects: 1, estimatedRequests: 3 },
          { expectState: 'none' },
        ),
      ),
    );

    expect(planned.filter(Boolean)).toHaveLength(1);
    expect(await collect(store.listObjects(ID))).toHaveLength(1);
  });
});
