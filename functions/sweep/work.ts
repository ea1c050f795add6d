/**
 * What the sweep needs only when an incident is open: the mode, fresh diagnosis, copy in place,
 * replication status and the notifier. The handler loads this module on first need, so the
 * common sweep (nothing open) loads only DynamoDB.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLiveCaller, createReads } from '../../shared/aws/index.js';
import type { SweepConfig } from '../../shared/config.js';
import { diagnose } from '../../shared/diagnosis/index.js';
import type { SweepPorts, SweepSettings } from '../../shared/incidents/sweep.js';
import { createAttemptLedger } from '../../shared/ledger/index.js';
import { createConfiguredNotifier } from '../../shared/pipeline/configured-notifier.js';
import { sendIncidentNotice } from '../../shared/pipeline/incident-notices.js';
import { copyOutcomeOf, createLedgerCopy } from '../../shared/pipeline/ledger-copy.js';
import { replicationStatusOf } from '../../shared/pipeline/replication-status.js';
import { readBucketAclsEnabled } from '../../shared/remediation/copy-in-place.js';
import { createModeSource } from '../../shared/remediation/mode.js';
import { RequestPacer } from '../../shared/remediation/pacing.js';

export type SweepWork = Pick<SweepPorts, 'rediagnose' | 'copyObject' | 'replicationStatus' | 'notify'> & {
  /** The settings for this sweep; the mode read now (cached briefly), the rest from the configuration. */
  settings(): Promise<SweepSettings>;
};

export function createSweepWork(
  config: SweepConfig,
  documents: DynamoDBDocumentClient,
  logger: Logger,
): SweepWork {
  const { region } = config;
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
  let mode = config.fallbackMode;

  return {
    async settings() {
      const settings = await modeSource.current();
      for (const warning of settings.warnings) logger.warn('mode parameter', { warning });
      mode = settings.mode;
      return {
        mode,
        autoRetrigger: settings.autoRetrigger,
        copyThreshold: config.copyThreshold,
        slackUpdateIntervalMs: config.slackUpdateIntervalMs,
        digestIntervalMs: config.digestIntervalMs,
        spotCheck: config.spotCheck,
      };
    },
    rediagnose: (failure) => diagnose(failure, freshReads),
    copyObject: async (object) =>
      copyOutcomeOf(await copy({ ...object, reason: object.failureReason ?? 'incident re-drive' })),
    replicationStatus: (object) => replicationStatusOf(s3, object),
    async notify(notice) {
      const outcome = await sendIncidentNotice(notifier, notice, mode);
      for (const failed of outcome.failed) logger.error('incident notice not delivered', { ...failed });
    },
  };
}
