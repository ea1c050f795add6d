/**
 * Builds the action side's ports from the real modules: the action policy, fresh diagnosis, the ledger,
 * copy in place and the notifier. The Lambda uses it with live AWS; the demo with a snapshot and no ledger
 * (plan mode writes nothing, so it needs none).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { DeadLetterSink } from '../aws/dead-letter.js';
import type { DiagnosisReads } from '../diagnosis/reads.js';
import { decideNotices } from '../incidents/notify-policy.js';
import type { IncidentStore } from '../incidents/types.js';
import type { AttemptLedger } from '../ledger/index.js';
import { buildNotification, causeSignature } from '../notify/notification.js';
import { onFirstUse } from '../on-first-use.js';
import { decideAction } from '../remediation/action-policy.js';
import type { ModeSettings } from '../remediation/mode.js';
import type { RequestPacer } from '../remediation/pacing.js';
import type { ActPorts } from './act-on-diagnoses.js';
import type { BatchLog } from './diagnose-queue-batch.js';
import type { Notifier } from './notifier.js';

export interface ActDependencies {
  settings(): Promise<ModeSettings>;
  /** Reads with no cache: a retrigger acts only on what is true now. */
  freshReads: DiagnosisReads;
  /** Absent in plan-only use (the demo): a copy is then never executed. */
  ledger?: AttemptLedger;
  /** A client, or how to make one when the first copy is planned (`s3OnFirstUse`). */
  s3: S3Client | (() => Promise<S3Client>);
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
  // Only a diagnosis that found no cause is up for a retrigger (plan mode re-diagnoses and plans the copy to
  // show it, auto mode makes it): the diagnosis engine and the copy code load then, not at every cold start.
  const engine = onFirstUse(() => import('../diagnosis/diagnose.js'));
  const copying = onFirstUse(async () =>
    (await import('./act-copy.js')).createActCopy({
      s3: typeof deps.s3 === 'function' ? await deps.s3() : deps.s3,
      ...(deps.ledger ? { ledger: deps.ledger } : {}),
      ...(deps.pacer ? { pacer: deps.pacer } : {}),
      aclCacheMs: deps.aclCacheMs ?? 5 * 60_000,
      now: deps.now ?? Date.now,
    }),
  );

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
    rediagnose: async (failure) => (await engine()).diagnose(failure, deps.freshReads),
    copyOnce: async (target) => (await copying()).copyOnce(target),
    planCopy: async (target) => (await copying()).planCopy(target),
    causeSignature,
    buildNotification,
    notify: (notification, options) => deps.notifier.notify(notification, options),
    deadLetters: deps.deadLetters,
    log: deps.log,
  };
}
