import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadBatchJobsConfig } from '../../shared/config.js';
import { runBatchJobs } from '../../shared/incidents/batch-jobs.js';
import { throwIfIncomplete } from '../../shared/incidents/errors.js';
import { createIncidentMetrics } from '../../shared/incidents/metrics.js';
import { createIncidentStore } from '../../shared/incidents/store.js';
import { onFirstUse } from '../../shared/on-first-use.js';

// Scheduled like the sweep, one at a time: starts the S3 Batch Replication jobs the sweep hands over, follows
// them and reads their reports into the incidents; the sweep trips, resolves and tells on its next run. Most
// runs find nothing handed over: S3 and S3 Control load with the first job to start or follow.
const config = loadBatchJobsConfig(process.env);
const logger = new Logger({ serviceName: 's3-replication-doctor' });
const store = createIncidentStore(
  DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.region })),
  config.ledgerTable,
);
const replication = onFirstUse(async () => (await import('./replication.js')).createJobReplication(config));

export const handler = async (): Promise<void> => {
  const metrics = createIncidentMetrics();
  const report = await runBatchJobs({
    store,
    batch: {
      start: async (input) => (await replication()).start(input),
      status: async (jobId) => (await replication()).status(jobId),
      report: async (jobId) => (await replication()).report(jobId),
    },
    log: logger,
    metrics,
  });
  metrics.publish();
  logger.info('batch jobs done', { ...report });
  throwIfIncomplete(report, 'batch job step failed');
};
