import { CopyObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAttemptLedger } from '../../shared/ledger/index.js';
import { CopyInProgressError, copyOutcomeOf, createLedgerCopy } from '../../shared/pipeline/ledger-copy.js';
import { RequestPacer } from '../../shared/remediation/copy-in-place.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';

const s3 = mockClient(S3Client);
const OBJECT = { bucket: 'src', key: 'data/a b.bin', versionId: 'v1', reason: 'DstObjectHardDeleted' };
const head = { VersionId: 'v1', ETag: '"etag"', ContentLength: 10, ContentType: 'application/octet-stream' };

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

async function copier() {
  const ledger = createAttemptLedger(dynamo.doc, await dynamo.createLedgerTable());
  const copy = createLedgerCopy({
    s3: new S3Client({ region: 'us-east-1', maxAttempts: 1 }),
    ledger,
    pacer: new RequestPacer({ ratePerSecond: 10_000, attempts: 1 }),
    aclsEnabled: async () => false,
  });
  return { copy, ledger };
}

describe('a copy in place under the ledger (the sweep re-drives with it)', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(HeadObjectCommand).resolves(head);
    s3.on(CopyObjectCommand).resolves({ VersionId: 'v2' });
  });

  it('copies once; asked again for the same version, answers with that copy and sends nothing', async () => {
    const { copy } = await copier();

    const first = await copy(OBJECT);
    const again = await copy(OBJECT);

    expect(first).toMatchObject({ kind: 'copied', newVersionId: 'v2' });
    expect(again).toEqual({ kind: 'copied-before', newVersionId: 'v2' });
    // The sweep counts an earlier copy as re-driven, at no cost.
    expect(copyOutcomeOf(again)).toEqual({ ok: true, newVersionId: 'v2', requests: 0 });
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(1);
  });

  it('releases its claim when planning fails, so the retry copies', async () => {
    const { copy } = await copier();
    s3.on(HeadObjectCommand).rejectsOnce(
      Object.assign(new Error('slow down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }),
    );

    await expect(copy(OBJECT)).rejects.toThrow();
    s3.on(HeadObjectCommand).resolves(head);
    const retried = await copy(OBJECT);

    expect(retried).toMatchObject({ kind: 'copied', newVersionId: 'v2' });
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(1);
  });

  it('does not release the lease of a worker that took the copy over while this one was stalled', async () => {
    let now = Date.parse('2025-03-01T10:00:00.000Z');
    const table = await dynamo.createLedgerTable();
    const ledger = createAttemptLedger(dynamo.doc, table, { now: () => now });
    const copy = createLedgerCopy({
      s3: new S3Client({ region: 'us-east-1', maxAttempts: 1 }),
      ledger,
      pacer: new RequestPacer({ ratePerSecond: 10_000, attempts: 1 }),
      aclsEnabled: async () => false,
    });
    s3.on(CopyObjectCommand).callsFake(async () => {
      // This worker stalls past its lease; another takes the attempt over, then this copy fails.
      now += 16 * 60_000;
      await ledger.claim({
        bucket: OBJECT.bucket,
        key: OBJECT.key,
        versionId: OBJECT.versionId,
        reason: 'r',
      });
      throw Object.assign(new Error('slow down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    });

    await expect(copy(OBJECT)).rejects.toThrow();

    const entry = await ledger.read(OBJECT);
    expect(entry).toMatchObject({ kind: 'copy-attempt', attempt: { status: 'in-progress', claims: 2 } });
  });

  it('leaves a copy claimed elsewhere and still running for a later attempt, instead of reporting it failed', async () => {
    const { copy, ledger } = await copier();
    await ledger.claim({
      bucket: OBJECT.bucket,
      key: OBJECT.key,
      versionId: OBJECT.versionId,
      reason: 'another worker',
    });

    await expect(copy(OBJECT)).rejects.toBeInstanceOf(CopyInProgressError);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('refuses an outdated version and releases the claim', async () => {
    const { copy, ledger } = await copier();
    s3.on(HeadObjectCommand).resolves({ ...head, VersionId: 'v9-newer' });

    const outcome = await copy(OBJECT);

    expect(outcome).toMatchObject({ kind: 'refused' });
    expect(copyOutcomeOf(outcome)).toMatchObject({ ok: false });
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    const entry = await ledger.read({ bucket: OBJECT.bucket, key: OBJECT.key, versionId: OBJECT.versionId });
    expect(entry?.kind === 'copy-attempt' ? entry.attempt.status : 'none').toBe('failed');
  });

  it('reports a copy S3 refuses for good (denied) as this object failed, so a re-drive goes on with the others', async () => {
    const { copy, ledger } = await copier();
    s3.on(CopyObjectCommand).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
    );

    const outcome = await copy(OBJECT);

    expect(outcome).toMatchObject({ kind: 'refused', reason: expect.stringContaining('AccessDenied') });
    const entry = await ledger.read({ bucket: OBJECT.bucket, key: OBJECT.key, versionId: OBJECT.versionId });
    expect(entry?.kind === 'copy-attempt' ? entry.attempt.status : 'none').toBe('failed');
  });

  it('throws a server fault, for the sweep to retry later', async () => {
    const { copy } = await copier();
    s3.on(CopyObjectCommand).rejects(
      Object.assign(new Error('We encountered an internal error'), {
        name: 'InternalError',
        $metadata: { httpStatusCode: 500 },
      }),
    );

    await expect(copy(OBJECT)).rejects.toThrow();
  });
});
