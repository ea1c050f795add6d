import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { handleEnrolmentResource } from '../../shared/enrol/custom-resource.js';

// Deploy-time enrolment of the buckets named in the stack's parameters (a CloudFormation custom resource).
const logger = new Logger({ serviceName: 's3-replication-doctor' });
// A bucket outside the function's region still answers, so its error names the real problem.
const s3 = new S3Client({ followRegionRedirects: true });

export const handler = async (event: CloudFormationCustomResourceEvent, context: Context): Promise<void> => {
  logger.appendKeys({ requestType: event.RequestType, logicalResourceId: event.LogicalResourceId });
  await handleEnrolmentResource(event, {
    s3,
    log: logger,
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
  });
};
