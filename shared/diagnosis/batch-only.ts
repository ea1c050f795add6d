/** Failure reasons only S3 Batch Replication jobs emit: the job's settings, which live replication cannot show. */
import type { ReplicationFailure } from '../events/types.js';
import { objectsArn } from './arns.js';
import { cli } from './shell.js';
import type { Cause } from './types.js';

export function batchOnlyCause(failure: ReplicationFailure, account: string | undefined): Cause {
  const code = failure.failureReason ?? '';
  const region = failure.awsRegion;
  const listJobs = account
    ? [cli('aws s3control list-jobs', ['--account-id', account], ['--region', region])]
    : [];
  switch (code) {
    case 'InitiateReplicationNotPermitted':
      return {
        location: 'source-bucket-configuration',
        problem: 'unknown',
        missingActions: [],
        resource: objectsArn(failure.sourceBucket),
        summary: `${code} comes from an S3 Batch Replication job: the job's role may not call s3:InitiateReplication on ${failure.sourceBucket}/*. It is a setting of the job, not of live replication.`,
        fix: {
          summary: `Add this statement to the Batch Replication job's role (the role passed to create-job, trusted by batchoperations.s3.amazonaws.com), then run the job again.`,
          policyStatement: {
            Sid: 'AllowInitiateReplication',
            Effect: 'Allow',
            Action: ['s3:InitiateReplication'],
            Resource: [objectsArn(failure.sourceBucket)],
          },
          commands: listJobs,
        },
      };
    case 'SrcBucketInvalidRegion':
    case 'DstBucketInvalidRegion': {
      const which =
        code === 'SrcBucketInvalidRegion'
          ? `source bucket ${failure.sourceBucket}`
          : `destination bucket ${failure.destinationBucket}`;
      return {
        location: 'source-bucket-configuration',
        problem: 'unknown',
        missingActions: [],
        summary: `${code} comes from an S3 Batch Replication job: the ${which} is not in the Region the job expects. It is a setting of the job, not of live replication.`,
        fix: {
          summary: `Create the Batch Replication job in the source bucket's Region (${region}) and check that the rule's destination bucket is the one intended.`,
          commands: listJobs,
        },
      };
    }
    default:
      return {
        location: 'source-bucket-configuration',
        problem: 'unknown',
        missingActions: [],
        summary: `${code} comes from an S3 Batch Replication job; check the job's settings.`,
        fix: { summary: 'Check the Batch Replication job that reported it.', commands: listJobs },
      };
  }
}
