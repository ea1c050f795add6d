/** S3 Batch Replication for the job runner; loaded only when an incident has been handed over. */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { BatchJobsConfig } from '../../shared/config.js';
import { type BatchReplication, createBatchReplication } from '../../shared/redrive/index.js';

export function createJobReplication(config: BatchJobsConfig): BatchReplication {
  const { region } = config;
  return createBatchReplication({
    s3: new S3Client({ region }),
    s3control: new S3ControlClient({ region }),
    // The stack's policies and lifecycle rules cover `manifests/` and `reports/` at the bucket's root.
    config: {
      accountId: config.accountId,
      region,
      roleArn: config.batchRoleArn,
      manifestBucket: config.redriveBucket,
      reportBucket: config.redriveBucket,
      prefix: '',
    },
  });
}
