/**
 * Builds the action side's ports from the real modules: the action policy, fresh diagnosis, the ledger,
 * copy in place and the notifier. The Lambda uses it with live AWS; the demo with a snapshot and no ledger
 * (plan mode writes nothing, so it needs none).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { DeadLetterSink } from '../aws/dead-letter.js';
import { diagnose } from '../diagnosis/index.js';
import type { DiagnosisReads } from '../diagnosis/reads.js';
import { decideNotices } from '../incidents/notify-policy.js';
import type { IncidentStore } from '../incidents/types.js';
import type { AttemptLedger } from '../ledger/index.js';
import { buildNotification, causeSignature } from '../notify/notification.js';
import { decideAction } from '../remediation/action-policy.js';
import { planCopyInPlace, type RequestPacer, readBucketAclsEnabled } from '../remediation/copy-in-place.js';
import type { ModeSettings } from '../remediation/mode.js';
import type { ActPorts } from './act-on-diagnoses.js';
import type { BatchLog } from './diagnose-queue-batch.js';
import { createLedgerCopy } from './ledger-copy.js';
import type { Notifier } from './notifier.js';

export interface ActDependencies {
  settings(): Promise<ModeSettings>;
  /** Reads with no cache: a retrigger acts only on what is true now. */
  freshReads: DiagnosisReads;
  /** Absent in plan-only use (the demo): a copy is then never executed. */
  ledger?: AttemptLedger;
  s3: S3Client;
  pacer?: RequestPacer;
  notifier: Notifier;
  /** When given, failures with a cause are recorded as incidents (a storm is one incident, one message). */
  incidents?: { store: IncidentStore; slackUpdateIntervalMs: number };
  deadLetters: DeadLetterSink;
  log: BatchLog;
  /** How long a bucket's "ACLs enabled" answer is reused. Default 5 minutes. */
  aclCacheMs?: number;
  now?: () => number;
}

export function createActPorts(deps: ActDependencies): ActPorts {
  const now = deps.now ?? Date.now;
  const aclCacheMs = deps.aclCacheMs ?? 5 * 60_000;
  const aclsEnabled = new Map<string, { value: boolean; at: number }>();
  const pacing = deps.pacer ? { pacer: deps.pacer } : {};

  async function bucketAclsEnabled(bucket: string): Promise<boolean> {
    const cached = aclsEnabled.get(bucket);
    if (cached && now() - cached.at < aclCacheMs) return cached.value;
    const value = await readBucketAclsEnabled(deps.s3, bucket, pacing);
    aclsEnabled.set(bucket, { value, at: now() });
    return value;
  }

  // Copies need the ledger (once per version); without one (the demo) nothing is ever copied.
  const copy = deps.ledger
    ? createLedgerCopy({ s3: deps.s3, ledger: deps.ledger, ...pacing, aclsEnabled: bucketAclsEnabled })
    : undefined;

  return {
    ...(deps.incidents ? { incidents: { ...deps.incidents, decideNotices } } : {}),
    async settings() {
      const settings = await deps.settings();
      for (const warning of settings.warnings)
        deps.log.warn('mode parameter', { warning, source: settings.source });
      return { mode: settings.mode, autoRetrigger: settings.autoRetrigger };
    },
    decide: (diagnosis, settings) =>
      decideAction(diagnosis, deps.ledger ? settings : { ...settings, mode: 'plan' }),
    rediagnose: (failure) => diagnose(failure, deps.freshReads),
    async copyOnce(target) {
      if (!copy) throw new Error('no ledger configured: copies cannot be executed in this setup');
      return copy(target);
    },
    async planCopy(target) {
      return planCopyInPlace(deps.s3, target, {
        ...pacing,
        aclsEnabled: await bucketAclsEnabled(target.bucket),
      });
    },
    causeSignature,
    buildNotification,
    notify: (notification, options) => deps.notifier.notify(notification, options),
    deadLetters: deps.deadLetters,
    log: deps.log,
  };
}
