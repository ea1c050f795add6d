import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAccountReads } from '../../shared/audit/account-reads.js';
import { auditAccount } from '../../shared/audit/audit.js';
import { createAuditStateStore } from '../../shared/audit/audit-state.js';
import { loadAuditConfig } from '../../shared/audit/config.js';
import { runScheduledAudit } from '../../shared/audit/scheduled.js';
import { withAccountCommands } from '../../shared/aws/account-commands.js';
import { createLiveCaller, createReads } from '../../shared/aws/index.js';
import { createConfiguredNotifier } from '../../shared/pipeline/configured-notifier.js';

// Scheduled; new reads (and cache) on every run, so a fix made since the last audit is seen.
const config = loadAuditConfig(process.env);
const logger = new Logger({ serviceName: 's3-replication-doctor' });
const { region } = config;
const caller = withAccountCommands(
  createLiveCaller({
    region,
    ...(config.destinationReadRoleArn ? { destinationRoleArn: config.destinationReadRoleArn } : {}),
  }),
  region,
);
const state = createAuditStateStore(
  DynamoDBDocumentClient.from(new DynamoDBClient({ region })),
  config.ledgerTable,
);
const notifier = createConfiguredNotifier(config);

export const handler = async (): Promise<void> => {
  const result = await runScheduledAudit({
    audit: () =>
      auditAccount({
        reads: createReads(caller, { sourceRegion: region }),
        account: createAccountReads(caller),
        ...(config.sourceBuckets.length > 0 ? { buckets: config.sourceBuckets } : {}),
        ...(config.intakeQueueArn ? { queueArn: config.intakeQueueArn } : {}),
        region,
      }),
    state,
    notify: (notification) => notifier.notify(notification),
    mode: config.mode,
  });
  for (const route of result.undelivered) logger.error('audit notice not delivered', { ...route });
  logger.info('audit done', { ...result, undelivered: result.undelivered.length });
};
