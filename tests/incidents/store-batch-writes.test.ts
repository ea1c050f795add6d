/**
 * Object items go in with BatchWriteItem. DynamoDB may leave some unprocessed when throttled; the store
 * must send them again with backoff, and give up loudly (a typed error, the incident untouched) so the
 * records are retried from their queue.
 */
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIncidentStore, IncidentStoreError, incidentIdOf } from '../../shared/incidents/index.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { collect, failures, rolePolicyDiagnosis } from './store-fixtures.js';

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

type Send = DynamoDBDocumentClient['send'];
type WriteRequests = NonNullable<BatchWriteCommand['input']['RequestItems']>[string];

/**
 * A document client on the real dynalite whose BatchWriteItem calls write only the first `keep` items of
 * each call and hand the rest back as unprocessed, for the first `throttledCalls` calls.
 */
function throttlingClient(throttledCalls: number, keep = 10) {
  const doc = DynamoDBDocumentClient.from(dynamo.client);
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  const batchSizes: number[] = [];
  let throttled = 0;
  doc.send = (async (command: unknown) => {
    if (!(command instanceof BatchWriteCommand)) return send(command);
    const requests: WriteRequests = command.input.RequestItems?.[table] ?? [];
    batchSizes.push(requests.length);
    if (throttled >= throttledCalls) return send(command);
    throttled += 1;
    await send(new BatchWriteCommand({ RequestItems: { [table]: requests.slice(0, keep) } }));
    const rest = requests.slice(keep);
    return { UnprocessedItems: rest.length > 0 ? { [table]: rest } : {} };
  }) as Send;
  return { doc, batchSizes };
}

describe('writing objects in batches', () => {
  it('writes 25 objects per call', async () => {
    const { doc, batchSizes } = throttlingClient(0);
    const store = createIncidentStore(doc, table);

    await store.recordFailures(rolePolicyDiagnosis(), failures(0, 60));

    expect([...batchSizes].sort((a, b) => b - a)).toEqual([25, 25, 10]);
  });

  it('sends unprocessed objects again with exponential backoff until all are written', async () => {
    // Prepare: one batch of 25, of which each throttled call writes only 10.
    const { doc, batchSizes } = throttlingClient(2);
    const delays: number[] = [];
    const store = createIncidentStore(doc, table, {
      batchWrite: { sleep: async (ms) => void delays.push(ms) },
    });

    // Act
    const outcome = await store.recordFailures(rolePolicyDiagnosis(), failures(0, 25));

    // Assess
    expect(batchSizes).toEqual([25, 15, 5]);
    expect(delays).toEqual([50, 100]);
    expect(outcome.opened).toBe(true);
    expect(await collect(store.listObjects(ID))).toHaveLength(25);
  });

  it('gives up with a typed error past the bound, leaving the incident unopened for the retry to open', async () => {
    const { doc } = throttlingClient(Number.POSITIVE_INFINITY, 1);
    const delays: number[] = [];
    const throttled = createIncidentStore(doc, table, {
      batchWrite: { maxAttempts: 4, sleep: async (ms) => void delays.push(ms) },
    });

    await expect(throttled.recordFailures(rolePolicyDiagnosis(), failures(0, 10))).rejects.toThrow(
      IncidentStoreError,
    );

    const healthy = createIncidentStore(dynamo.doc, table);
    expect(delays).toEqual([50, 100, 200]);
    expect(await healthy.get(ID)).toBeUndefined();
    const retried = await healthy.recordFailures(rolePolicyDiagnosis(), failures(0, 10));
    expect(retried.opened).toBe(true);
    expect(await healthy.countObjects(ID)).toBe(10);
  });

  it('wraps an unreachable table in a typed error with the cause', async () => {
    const store = createIncidentStore(dynamo.doc, 'no-such-table');

    const error = await store.recordFailures(rolePolicyDiagnosis(), failures(0, 1)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IncidentStoreError);
    expect((error as Error).cause).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
