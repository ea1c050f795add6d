import { GetObjectTaggingCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../shared/aws/index.js';
import { createReplayS3Client } from '../../shared/aws/replay-s3-client.js';

const snapshot = parseSnapshot({
  format: 's3-replication-snapshot/v1',
  calls: [
    {
      service: 'S3',
      command: 'HeadObject',
      input: { Bucket: 'src', Key: 'a b.txt' },
      output: { VersionId: 'v2', ETag: '"abc"', LastModified: '2024-09-05T21:04:32.000Z', ContentLength: 5 },
    },
    {
      service: 'S3',
      command: 'GetObjectTagging',
      input: { Bucket: 'src' },
      error: { name: 'AccessDenied', message: 'Access Denied', httpStatusCode: 403 },
    },
  ],
});

describe('an S3 client that replays a snapshot', () => {
  it('answers a recorded command with its output, dates as Date, through the ordinary SDK call', async () => {
    const client = createReplayS3Client(snapshot);

    const head = await client.send(new HeadObjectCommand({ Bucket: 'src', Key: 'a b.txt' }));

    expect(head.VersionId).toBe('v2');
    expect(head.ETag).toBe('"abc"');
    expect(head.LastModified).toEqual(new Date('2024-09-05T21:04:32.000Z'));
  });

  it('throws recorded errors by name and status, and NotRecorded for anything else', async () => {
    const client = createReplayS3Client(snapshot);

    await expect(client.send(new GetObjectTaggingCommand({ Bucket: 'src', Key: 'k' }))).rejects.toMatchObject(
      {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      },
    );
    await expect(client.send(new HeadObjectCommand({ Bucket: 'other', Key: 'k' }))).rejects.toMatchObject({
      name: 'NotRecorded',
    });
  });
});
