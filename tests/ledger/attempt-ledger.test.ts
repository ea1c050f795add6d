import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createAttemptLedger,
  LEDGER_TABLE_DEFINITION,
  LedgerError,
  LedgerStateError,
  objectVersionKey,
} from '../../shared/ledger/index.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';

const BUCKET = 'my-source-bucket-use1';
const KEY = 'photos/2024/a b.jpg';
const V1 = '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY';
const V2 = 'Zq0mQ1vW4cHk7.copy-one';
const V3 = 'Lm9pR2xT8dJn3.copy-two';
const START = Date.parse('2025-03-01T10:00:00.000Z');
const LEASE_MS = 15 * 60_000;

let dynamo: LocalDynamo;
let table: string;
let now: number;
const clock = () => now;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

beforeEach(async () => {
  table = await dynamo.createLedgerTable();
  now = START;
});

const target = (versionId: string, key = KEY) => ({ bucket: BUCKET, key, versionId });
const claimInput = (versionId: string, key = KEY) => ({
  ...target(versionId, key),
  reason: 'DstObjectHardDeleted',
});

describe('ledger table', () => {
  it('is created with pk/sk keys, the gsi1 index and on-demand billing', async () => {
    const described = await dynamo.client.send(new DescribeTableCommand({ TableName: table }));

    expect(described.Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['gsi1']);
    expect(described.Table?.BillingModeSummary?.BillingMode ?? LEDGER_TABLE_DEFINITION.BillingMode).toBe(
      'PAY_PER_REQUEST',
    );
  });
});

describe('claiming a copy attempt', () => {
  it('claims a version seen for the first time, as generation 0 of its own chain, with a lease', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });

    const result = await ledger.claim(claimInput(V1));

    expect(result).toEqual({
      outcome: 'claimed',
      attempt: {
        bucket: BUCKET,
        key: KEY,
        versionId: V1,
        status: 'in-progress',
        reason: 'DstObjectHardDeleted',
        generation: 0,
        origin: V1,
        claims: 1,
        failures: 0,
        claimedAt: '2025-03-01T10:00:00.000Z',
        leaseExpiresAt: '2025-03-01T10:15:00.000Z',
      },
    });
  });

  it('writes one item per version under the object key, with a TTL in epoch seconds', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock, retentionMs: 86_400_000 });

    await ledger.claim(claimInput(V1));

    const { Item } = await dynamo.doc.send(
      new GetCommand({ TableName: table, Key: objectVersionKey(BUCKET, KEY, V1) }),
    );
    expect(Item).toMatchObject({
      pk: `OBJ#${BUCKET.length}:${BUCKET}#${KEY}`,
      sk: `VER#${V1}`,
      kind: 'copy-attempt',
      expiresAt: START / 1000 + 86_400,
    });
  });

  it('treats the same event delivered twice as a duplicate while the first claim is in progress', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });

    const first = await ledger.claim(claimInput(V1));
    now += LEASE_MS - 1;
    const second = await ledger.claim(claimInput(V1));

    expect(first.outcome).toBe('claimed');
    expect(second).toMatchObject({ outcome: 'duplicate', attempt: { status: 'in-progress', claims: 1 } });
  });

  it('treats a redelivery after the copy completed as a duplicate, even long after the lease', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    await ledger.claim(claimInput(V1));
    await ledger.complete({ ...target(V1), newVersionId: V2, requests: 2 });

    now += 10 * LEASE_MS;
    const again = await ledger.claim(claimInput(V1));

    expect(again).toMatchObject({ outcome: 'duplicate', attempt: { status: 'done', newVersionId: V2 } });
  });

  it('lets exactly one of 20 concurrent claims of one version win', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });

    const results = await Promise.all(Array.from({ length: 20 }, () => ledger.claim(claimInput(V1))));

    const outcomes = results.map((result) => result.outcome);
    expect(outcomes.filter((outcome) => outcome === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(19);
  });

  it('claims different versions of the same key independently', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });

    const a = await ledger.claim(claimInput(V1));
    const b = await ledger.claim(claimInput('another-version'));

    expect([a.outcome, b.outcome]).toEqual(['claimed', 'claimed']);
  });

  it('lets another worker take over an attempt whose lease expired (a crashed worker)', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    await ledger.claim(claimInput(V1));

    now += LEASE_MS + 1;
    const takeover = await ledger.claim(claimInput(V1));

    expect(takeover).toMatchObject({
      outcome: 'claimed',
      attempt: { status: 'in-progress', claims: 2, leaseExpiresAt: new Date(now + LEASE_MS).toISOString() },
    });
  });

  it('lets exactly one of 10 concurrent workers take over an expired lease', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    await ledger.claim(claimInput(V1));
    now += LEASE_MS + 1;

    const results = await Promise.all(Array.from({ length: 10 }, () => ledger.claim(claimInput(V1))));

    expect(results.filter((result) => result.outcome === 'claimed')).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'duplicate')).toHaveLength(9);
  });

  it('honours a configured lease time', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock, leaseMs: 1_000 });
    await ledger.claim(claimInput(V1));

    now += 1_001;

    expect((await ledger.claim(claimInput(V1))).outcome).toBe('claimed');
  });
});

describe('copies of copies (loop safety)', () => {
  it('reports limit-reached when the version our copy wrote fails again, with the default limit of 1', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    await ledger.claim(claimInput(V1));
    await ledger.complete({ ...target(V1), newVersionId: V2, requests: 2 });

    const refailed = await ledger.claim(claimInput(V2));

    expect(refailed).toEqual({ outcome: 'limit-reached', generation: 1, origin: V1, limit: 1 });
  });

  it('stays at limit-reached however often the re-failing version is delivered', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    await ledger.claim(claimInput(V1));
    await ledger.complete({ ...target(V1), newVersionId: V2, requests: 2 });

    const results = await Promise.all(Array.from({ length: 5 }, () => ledger.claim(claimInput(V2))));
    now += 100 * LEASE_MS;
    results.push(await ledger.claim(claimInput(V2)));

    expect(new Set(results.map((result) => result.outcome))).toEqual(new Set(['limit-reached']));
  });

  it('copies the re-failing version once more with a limit of 2, then stops at the third generation', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock, maxCopiesPerObject: 2 });
    await ledger.claim(claimInput(V1));
    await ledger.complete({ ...target(V1), newVersionId: V2, requests: 2 });

    const second = await ledger.claim(claimInput(V2));
    await ledger.complete({ ...target(V2), newVersionId: V3, requests: 2 });
    const third = await ledger.claim(claimInput(V3));

    expect(second).toMatchObject({ outcome: 'claimed', attempt: { generation: 1, origin: V1, claims: 1 } });
    expect(third).toEqual({ outcome: 'limit-reached', generation: 2, origin: V1, limit: 2 });
  });

  it('records the marker on the new version with where it came from', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    await ledger.claim(claimInput(V1));

    const done = await ledger.complete({ ...target(V1), newVersionId: V2, requests: 3 });

    expect(done).toMatchObject({ status: 'done', newVersionId: V2, requests: 3 });
    expect(done.leaseExpiresAt).toBeUndefined();
    expect(await ledger.read(target(V2))).toEqual({
      kind: 'copy-result',
      marker: { ...target(V2), generation: 1, origin: V1, copiedFrom: V1 },
    });
  });

  it('still counts the generation when the new version was claimed before the marker was written', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    await ledger.claim(claimInput(V1));
    await ledger.claim(claimInput(V2));

    await ledger.complete({ ...target(V1), newVersionId: V2, requests: 2 });
    await ledger.complete({ ...target(V2), newVersionId: V3, requests: 2 });

    expect(await ledger.read(target(V3))).toMatchObject({
      kind: 'copy-result',
      marker: { generation: 2, origin: V1 },
    });
    expect((await ledger.claim(claimInput(V3))).outcome).toBe('limit-reached');
  });

  it('has marked the new version before the attempt is marked done, so a crash in between cannot loop', async () => {
    // Prepare: a client that fails the write marking the original attempt done, as a crash would.
    const crashing = {
      send: (command: unknown) => {
        if (command instanceof UpdateCommand && command.input.Key?.sk === `VER#${V1}`) {
          return Promise.reject(new Error('Lambda timed out'));
        }
        return dynamo.doc.send(command as GetCommand);
      },
    } as unknown as DynamoDBDocumentClient;
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    await ledger.claim(claimInput(V1));

    // Act
    await expect(
      createAttemptLedger(crashing, table, { now: clock }).complete({
        ...target(V1),
        newVersionId: V2,
        requests: 2,
      }),
    ).rejects.toThrow(LedgerError);

    // Assess
    expect(await ledger.claim(claimInput(V2))).toMatchObject({ outcome: 'limit-reached', generation: 1 });
  });

  it('writes no marker when the copy returned no version id (an unversioned bucket)', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    await ledger.claim(claimInput(V1));

    const done = await ledger.complete({ ...target(V1), requests: 2 });

    expect(done.status).toBe('done');
    expect(done.newVersionId).toBeUndefined();
  });

  it('refuses a limit below 1', () => {
    expect(() => createAttemptLedger(dynamo.doc, table, { maxCopiesPerObject: 0 })).toThrow(RangeError);
  });
});

describe('failed attempts', () => {
  it('records the error and releases the lease, so a later delivery may try again', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    await ledger.claim(claimInput(V1));

    const failed = await ledger.fail({
      ...target(V1),
      error: Object.assign(new Error('Slow down'), { name: 'SlowDown' }),
    });
    now += 1;
    const retried = await ledger.claim(claimInput(V1));

    expect(failed).toMatchObject({
      outcome: 'recorded',
      attempt: { status: 'failed', failures: 1, lastError: 'SlowDown: Slow down' },
    });
    expect(failed.outcome === 'recorded' && failed.attempt.leaseExpiresAt).toBeFalsy();
    expect(retried).toMatchObject({ outcome: 'claimed', attempt: { claims: 2, failures: 1 } });
  });

  it('does not undo a finished copy when a late failure report arrives', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    await ledger.claim(claimInput(V1));
    await ledger.complete({ ...target(V1), newVersionId: V2, requests: 2 });

    const late = await ledger.fail({ ...target(V1), error: 'timed out' });

    expect(late).toEqual({ outcome: 'not-in-progress' });
    expect(await ledger.read(target(V1))).toMatchObject({ attempt: { status: 'done' } });
  });

  it("does not release another worker's lease: a failure from a claim that was taken over changes nothing", async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    const first = await ledger.claim(claimInput(V1));
    now += LEASE_MS + 1;
    const second = await ledger.claim(claimInput(V1));
    if (first.outcome !== 'claimed' || second.outcome !== 'claimed')
      throw new Error('both claims should win');

    const stale = await ledger.fail({
      ...target(V1),
      claim: first.attempt.claims,
      error: 'paused past its lease',
    });
    now += 1;
    const third = await ledger.claim(claimInput(V1));
    const own = await ledger.fail({ ...target(V1), claim: second.attempt.claims, error: 'SlowDown' });

    expect(stale).toEqual({ outcome: 'not-in-progress' });
    expect(third).toMatchObject({ outcome: 'duplicate', attempt: { status: 'in-progress', claims: 2 } });
    expect(own).toMatchObject({
      outcome: 'recorded',
      attempt: { status: 'failed', claims: 2, lastError: 'SlowDown' },
    });
  });

  it('reports not-in-progress for a version that was never claimed, and writes nothing', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });

    expect(await ledger.fail({ ...target(V1), error: 'x' })).toEqual({ outcome: 'not-in-progress' });
    expect(await ledger.read(target(V1))).toBeUndefined();
  });

  it('cuts a very long error message', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    await ledger.claim(claimInput(V1));

    const failed = await ledger.fail({ ...target(V1), error: 'x'.repeat(50_000) });

    expect(failed.outcome === 'recorded' && failed.attempt.lastError?.length).toBe(1_000);
  });
});

describe('misuse and infrastructure errors', () => {
  it('refuses to complete an attempt that was never claimed', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });

    await expect(ledger.complete({ ...target(V1), newVersionId: V2, requests: 2 })).rejects.toThrow(
      LedgerStateError,
    );
  });

  it('refuses an empty version id', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });

    await expect(ledger.claim(claimInput(''))).rejects.toThrow(LedgerStateError);
  });

  it('throws a LedgerError carrying the SDK error when the table is not there', async () => {
    await dynamo.client.send(new DeleteTableCommand({ TableName: table }));
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });

    const error = await ledger.claim(claimInput(V1)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).cause).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('object keys of any shape', () => {
  it('keeps keys apart that would collide if parts were only joined with #', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });

    const a = await ledger.claim({ bucket: 'a', key: 'b#c', versionId: 'v', reason: 'r' });
    const b = await ledger.claim({ bucket: 'a#b', key: 'c', versionId: 'v', reason: 'r' });
    const c = await ledger.claim({ bucket: 'a', key: 'b#c#VER#v', versionId: 'v', reason: 'r' });

    expect([a.outcome, b.outcome, c.outcome]).toEqual(['claimed', 'claimed', 'claimed']);
  });

  it.each([
    ['spaces and plus signs', 'reports/a b+c.csv'],
    ['unicode', 'фото/日本語/é😀.jpg'],
    ['slashes, percent signs and control characters', '//a/%2F/\u0001\t/b'],
    ['the longest key S3 allows, in multibyte characters', 'é'.repeat(512)],
  ])('claims and completes a key with %s, and recognises its redelivery', async (_label, key) => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });

    const first = await ledger.claim(claimInput(V1, key));
    await ledger.complete({ ...target(V1, key), newVersionId: V2, requests: 2 });
    const again = await ledger.claim(claimInput(V1, key));
    const copy = await ledger.claim(claimInput(V2, key));

    expect(first).toMatchObject({ outcome: 'claimed', attempt: { key } });
    expect(again).toMatchObject({ outcome: 'duplicate', attempt: { key } });
    expect(copy.outcome).toBe('limit-reached');
  });

  it('handles a key and a version id longer than DynamoDB key limits', async () => {
    const ledger = createAttemptLedger(dynamo.doc, table, { now: clock });
    const key = `${'k'.repeat(3_000)}#`;
    const versionId = 'v'.repeat(2_000);

    const first = await ledger.claim(claimInput(versionId, key));
    const other = await ledger.claim(claimInput(versionId, `${'k'.repeat(3_000)}#x`));
    const again = await ledger.claim(claimInput(versionId, key));

    expect([first.outcome, other.outcome, again.outcome]).toEqual(['claimed', 'claimed', 'duplicate']);
    expect(again.outcome === 'duplicate' && again.attempt.key).toBe(key);
  });
});
