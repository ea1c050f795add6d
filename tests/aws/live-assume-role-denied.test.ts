import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createLiveCaller, createReads } from '../../shared/aws/index.js';
import { DESTINATION_ACCOUNT, DESTINATION_BUCKET, SOURCE_REGION, sdkError } from './seed.js';

// Only STS is mocked: the S3 client runs its real middleware, so the AssumeRole failure surfaces exactly
// as it would live, from credential resolution, before any request leaves the process.
const sts = mockClient(STSClient);

describe('a destination read role that cannot be assumed', () => {
  it('makes destination reads denied (inconclusive), not a crash or a retry storm', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(sdkError('AccessDenied', 403, 'not authorized to perform sts:AssumeRole'));
    const reads = createReads(
      createLiveCaller({
        region: SOURCE_REGION,
        credentials: { accessKeyId: 'AKIASOURCE', secretAccessKey: 'source-secret' },
        destinationRoleArn: `arn:aws:iam::${DESTINATION_ACCOUNT}:role/ReplicationDoctorRead`,
      }),
      { sourceRegion: SOURCE_REGION },
    );

    const read = await reads.getBucketPolicy(DESTINATION_BUCKET, 'destination');

    expect(read).toEqual({ status: 'denied', error: expect.stringContaining('AccessDenied') });
    expect(reads.stats().byCommand).toEqual({ GetBucketLocation: 1, GetBucketPolicy: 1 });
  });
});
