import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadSweepConfig } from '../../shared/config.js';
import { throwIfIncomplete } from '../../shared/incidents/errors.js';
import { createIncidentMetrics } from '../../shared/incidents/metrics.js';
import { createIncidentStore } from '../../shared/incidents/store.js';
import { runSweep } from '../../shared/incidents/sweep.js';
import { onFirstUse } from '../../shared/on-first-use.js';

// Scheduled every few minutes, one at a time. Fresh reads: an incident is re-driven only when a diagnosis
// made now finds its cause gone. Most sweeps find nothing open: everything but the incident table is loaded
// the first time an open incident needs it (work.ts).
const config = loadSweepConfig(process.env);
const logger = new Logger({ serviceName: 's3-replication-doctor' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: config.region }));
const store = createIncidentStore(documents, config.ledgerTable);
const work = onFirstUse(async () => (await import('./work.js')).createSweepWork(config, documents, logger));

export const handler = async (): Promise<void> => {
  const metrics = createIncidentMetrics();
  const report = await runSweep({
    store,
    settings: async () => (await work()).settings(),
    rediagnose: async (failure) => (await work()).rediagnose(failure),
    copyObject: async (object) => (await work()).copyObject(object),
    replicationStatus: async (object) => (await work()).replicationStatus(object),
    notify: async (notice) => (await work()).notify(notice),
    log: logger,
    metrics,
    now: Date.now,
    region: config.region,
  });
  metrics.publish();
  logger.info('sweep done', { ...report });
  throwIfIncomplete(report, 'incident sweep failed');
};
