import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createSqsDeadLetterSink, sqsOnFirstUse } from '../../shared/aws/dead-letter.js';
import { createBusPublisher } from '../../shared/aws/event-bus.js';
import { createLiveCaller, createReads } from '../../shared/aws/index.js';
import { service as s3Service } from '../../shared/aws/live/s3.js';
import { loadDiagnoseConfig } from '../../shared/config.js';
import { createIncidentMetrics } from '../../shared/incidents/metrics.js';
import { diagnoseQueueBatch } from '../../shared/pipeline/diagnose-queue-batch.js';

// Created once per container: clients and the read cache live while the function is warm,
// so a storm of failures with one cause costs about the reads of one diagnosis.
const config = loadDiagnoseConfig(process.env);
const logger = new Logger({ serviceName: 's3-replication-doctor' });
const reads = createReads(
  createLiveCaller({
    region: config.region,
    // Almost every diagnosis reads S3 first; IAM, KMS, STS and Organizations load when a plan needs them.
    loaded: { S3: s3Service },
    ...(config.destinationReadRoleArn ? { destinationRoleArn: config.destinationReadRoleArn } : {}),
  }),
  { cacheTtlMs: config.cacheTtlMs, sourceRegion: config.region },
);
const publisher = createBusPublisher(new EventBridgeClient({ region: config.region }), config.eventBusName);
const deadLetters = createSqsDeadLetterSink(sqsOnFirstUse(config.region), config.deadLetterQueueUrl);

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const { retryMessageIds, counts } = await diagnoseQueueBatch(
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
    { reads, publisher, deadLetters, mode: config.mode, log: logger },
  );
  logger.info('batch done', { records: event.Records.length, ...counts });
  // EMF: the dashboard's "failures received" and "diagnosed" come from these lines, no API call needed.
  const metrics = createIncidentMetrics();
  metrics.failuresReceived(counts.diagnosed + counts.retried);
  metrics.diagnosed(counts.diagnosed);
  metrics.publish();
  return { batchItemFailures: retryMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
};
