import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createSqsDeadLetterSink, sqsOnFirstUse } from '../../shared/aws/dead-letter.js';
import { createLiveCaller, createReads } from '../../shared/aws/index.js';
import { s3OnFirstUse } from '../../shared/aws/s3-on-first-use.js';
import { loadActConfig } from '../../shared/config.js';
import { createIncidentStore } from '../../shared/incidents/store.js';
import { createAttemptLedger } from '../../shared/ledger/index.js';
import { actOnDiagnoses } from '../../shared/pipeline/act-on-diagnoses.js';
import { createActPorts } from '../../shared/pipeline/act-ports.js';
import { createConfiguredNotifier } from '../../shared/pipeline/configured-notifier.js';
import { createModeSource } from '../../shared/remediation/mode.js';
import { RequestPacer } from '../../shared/remediation/pacing.js';

// Created once per container and reused while warm. Fresh reads (no cache): a copy happens only when a
// diagnosis made now finds nothing wrong. The pacer keeps copies well under S3's per-prefix request rates.
const config = loadActConfig(process.env);
const logger = new Logger({ serviceName: 's3-replication-doctor' });
const { region } = config;
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region }));
const modeSource = createModeSource({
  ssm: new SSMClient({ region }),
  parameterName: config.modeParameterName,
  fallback: { mode: config.fallbackMode, autoRetrigger: config.autoRetrigger },
});
const ports = createActPorts({
  settings: () => modeSource.current(),
  freshReads: createReads(
    createLiveCaller({
      region,
      ...(config.destinationReadRoleArn ? { destinationRoleArn: config.destinationReadRoleArn } : {}),
    }),
    { cacheTtlMs: 0, sourceRegion: region },
  ),
  ledger: createAttemptLedger(documents, config.ledgerTable, {
    maxCopiesPerObject: config.maxCopiesPerObject,
  }),
  // A storm is one incident with one living message, not one notification per batch.
  incidents: {
    store: createIncidentStore(documents, config.ledgerTable),
    slackUpdateIntervalMs: config.slackUpdateIntervalMs,
  },
  s3: s3OnFirstUse(region),
  pacer: new RequestPacer({ ratePerSecond: config.copyRatePerSecond }),
  notifier: createConfiguredNotifier(config),
  deadLetters: createSqsDeadLetterSink(sqsOnFirstUse(region), config.deadLetterQueueUrl),
  log: logger,
});

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const { retryMessageIds, counts } = await actOnDiagnoses(
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
    ports,
  );
  logger.info('batch done', { records: event.Records.length, ...counts });
  return { batchItemFailures: retryMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
};
