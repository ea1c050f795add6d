/** S3 Batch Replication for the sweep, loaded only when an incident has more objects than copy in place takes. */
import type { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { SweepConfig } from '../../shared/config.js';
import { type BatchReplication, createBatchReplication } from '../../shared/redrive/index.js';

export function createSweepBatch(config: SweepConfig, s3: S3Client): BatchReplication {
  return createBatchReplication({
    s3,
    s3control: new S3ControlClient({ region: config.region }),
    // The stack's policies and lifecycle rules cover `manifests/` and `reports/` at the bucket's root.
    config: {
      accountId: config.accountId,
      region: config.region,
      roleArn: config.batchRoleArn,
      manifestBucket: config.redriveBucket,
      reportBucket: config.redriveBucket,
      prefix: '',
    },
  });
}
