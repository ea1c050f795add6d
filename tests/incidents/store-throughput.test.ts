/**
 * How fast a storm's objects go into the ledger on dynalite here. The time is reported, not asserted (it
 * depends on the machine); what is asserted is that every object is there, in one incident.
 * 20,000 objects by default; set INCIDENT_STORE_THROUGHPUT_OBJECTS=100000 for the full storm.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createIncidentStore, incidentIdOf } from '../../shared/incidents/index.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { failures, rolePolicyDiagnosis } from './store-fixtures.js';

const OBJECTS = Number(process.env.INCIDENT_STORE_THROUGHPUT_OBJECTS ?? 20_000);
// An SQS-fed Lambda sees at most 10,000 records per batch; 1,000 is a realistic middle.
const BATCH = 1_000;

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

it(`records ${OBJECTS.toLocaleString('en')} failures of one cause in batches of ${BATCH} as one incident holding every object`, async () => {
  const table = await dynamo.createLedgerTable();
  const store = createIncidentStore(dynamo.doc, table);
  const all = failures(0, OBJECTS);

  const started = performance.now();
  let opened = 0;
  for (let start = 0; start < all.length; start += BATCH) {
    const outcome = await store.recordFailures(rolePolicyDiagnosis(), all.slice(start, start + BATCH));
    if (outcome.opened) opened += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  console.info(
    `incident store on dynalite: ${OBJECTS} objects in ${seconds.toFixed(1)} s = ${Math.round(OBJECTS / seconds)} objects/s`,
  );

  const id = incidentIdOf(rolePolicyDiagnosis());
  expect(opened).toBe(1);
  expect(await store.listOpen()).toHaveLength(1);
  expect((await store.get(id))?.count).toBe(OBJECTS);
  expect(await store.countObjects(id)).toBe(OBJECTS);
}, 300_000);
