import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLiveCaller, createReads } from '../../shared/aws/index.js';
import { loadSweepConfig } from '../../shared/config.js';
import { diagnose } from '../../shared/diagnosis/index.js';
import { createIncidentMetrics } from '../../shared/incidents/metrics.js';
import { createIncidentStore } from '../../shared/incidents/store.js';
import { runSweep } from '../../shared/incidents/sweep.js';
import { createAttemptLedger } from '../../shared/ledger/index.js';
import { sendIncidentNotice } from '../../shared/pipeline/incident-notices.js';
import { copyOutcomeOf, createLedgerCopy } from '../../shared/pipeline/ledger-copy.js';
import { createConfiguredNotifier } from '../../shared/pipeline/notifier.js';
import { replicationStatusOf } from '../../shared/pipeline/replication-status.js';
import { createBatchReplication } from '../../shared/redrive/index.js';
import { RequestPacer, readBucketAclsEnabled } from '../../shared/remediation/copy-in-place.js';
import { createModeSource } from '../../shared/remediation/mode.js';

// Scheduled every few minutes, one at a time. Fresh reads: an incident is re-driven only when a diagnosis
// made now finds its cause gone.
const config = loadSweepConfig(process.env);
const logger = new Logger({ serviceName: 's3-replication-doctor' });
const { region } = config;
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region }));
const s3 = new S3Client({ region });
const pacer = new RequestPacer({ ratePerSecond: config.copyRatePerSecond });
const modeSource = createModeSource({
  ssm: new SSMClient({ region }),
  parameterName: config.modeParameterName,
  fallback: { mode: config.fallbackMode, autoRetrigger: config.autoRetrigger },
});
const freshReads = createReads(
  createLiveCaller({
    region,
    ...(config.destinationReadRoleArn ? { destinationRoleArn: config.destinationReadRoleArn } : {}),
  }),
  { cacheTtlMs: 0, sourceRegion: region },
);
const notifier = createConfiguredNotifier(config);
const copy = createLedgerCopy({
  s3,
  ledger: createAttemptLedger(documents, config.ledgerTable, {
    maxCopiesPerObject: config.maxCopiesPerObject,
  }),
  pacer,
  aclsEnabled: (bucket) => readBucketAclsEnabled(s3, bucket, { pacer }),
});
const batch = createBatchReplication({
  s3,
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

export const handler = async (): Promise<void> => {
  const metrics = createIncidentMetrics();
  let mode = config.fallbackMode;
  const report = await runSweep({
    store: createIncidentStore(documents, config.ledgerTable),
    async settings() {
      const settings = await modeSource.current();
      for (const warning of settings.warnings) logger.warn('mode parameter', { warning });
      mode = settings.mode;
      return {
        mode,
        copyThreshold: config.copyThreshold,
        slackUpdateIntervalMs: config.slackUpdateIntervalMs,
        digestIntervalMs: config.digestIntervalMs,
        spotCheck: config.spotCheck,
      };
    },
    rediagnose: (failure) => diagnose(failure, freshReads),
    copyObject: async (object) =>
      copyOutcomeOf(await copy({ ...object, reason: object.failureReason ?? 'incident re-drive' })),
    batch,
    replicationStatus: (object) => replicationStatusOf(s3, object),
    async notify(notice) {
      const outcome = await sendIncidentNotice(notifier, notice, mode);
      for (const failed of outcome.failed) logger.error('incident notice not delivered', { ...failed });
    },
    log: logger,
    metrics,
    now: Date.now,
    region,
  });
  metrics.publish();
  logger.info('sweep done', { ...report });
};
