import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { replicationStatusOf } from '../../shared/pipeline/replication-status.js';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1', maxAttempts: 1 });
const object = { bucket: 'src', key: 'k', versionId: 'v2' };
const httpError = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('the replication status the sweep verifies', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('is the object version’s ReplicationStatus', async () => {
    s3.on(HeadObjectCommand, { Bucket: 'src', Key: 'k', VersionId: 'v2' }).resolves({
      ReplicationStatus: 'COMPLETED',
    });
    expect(await replicationStatusOf(client, object)).toBe('COMPLETED');
  });

  it.each([
    ['NotFound', 404],
    ['NoSuchVersion', 404],
    ['405', 405],
  ])(
    'is none when the object is gone since (%s, HTTP %i), so verification does not wait on it forever',
    async (name, status) => {
      s3.on(HeadObjectCommand).rejects(httpError(name, status));
      expect(await replicationStatusOf(client, object)).toBeUndefined();
    },
  );

  it('throws on anything else (denied, throttled), for the sweep to retry', async () => {
    s3.on(HeadObjectCommand).rejects(httpError('403', 403));
    await expect(replicationStatusOf(client, object)).rejects.toThrow('403');
  });
});
