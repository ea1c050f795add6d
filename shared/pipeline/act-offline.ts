/**
 * The whole pipeline offline, for the demo: diagnose failures against an account snapshot, then run the
 * act function's own use case on the diagnoses in plan mode, with a copy planner that reads the snapshot
 * and a notifier that keeps the notifications instead of sending them. Nothing is written anywhere.
 */
import type { Snapshot } from '../aws/index.js';
import { snapshotReads } from '../aws/index.js';
import { createReplayS3Client } from '../aws/replay-s3-client.js';
import { diagnose } from '../diagnosis/index.js';
import type { Diagnosis } from '../diagnosis/types.js';
import type { ReplicationFailure } from '../events/types.js';
import type { Notification } from '../notify/notification.js';
import { type ActCounts, actOnDiagnoses } from './act-on-diagnoses.js';
import { createActPorts } from './act-ports.js';
import { DIAGNOSIS_EVENT } from './bus-events.js';

export interface OfflineRun {
  diagnoses: Diagnosis[];
  notifications: Notification[];
  counts: ActCounts;
  /** AWS reads the diagnoses made (the fresh re-diagnosis before a copy is not counted). */
  reads: number;
}

export async function runOffline(failures: ReplicationFailure[], snapshot: Snapshot): Promise<OfflineRun> {
  const reads = snapshotReads(snapshot);
  const diagnoses: Diagnosis[] = [];
  for (const failure of failures) diagnoses.push(await diagnose(failure, reads));
  const notifications: Notification[] = [];
  const ports = createActPorts({
    settings: async () => ({ mode: 'plan', autoRetrigger: [], source: 'fallback', warnings: [] }),
    freshReads: snapshotReads(snapshot, { cacheTtlMs: 0 }),
    s3: createReplayS3Client(snapshot, failures[0]?.awsRegion),
    notifier: {
      async notify(notification) {
        notifications.push(notification);
        return { delivered: ['preview'], failed: [] };
      },
    },
    deadLetters: {
      async send() {
        throw new Error('offline run: no dead-letter queue');
      },
    },
    log: { info() {}, warn() {}, error() {} },
  });
  const messages = diagnoses.map((diagnosis, i) => ({
    messageId: `offline-${i}`,
    body: JSON.stringify({
      source: DIAGNOSIS_EVENT.source,
      'detail-type': DIAGNOSIS_EVENT.detailType,
      detail: { failure: failures[i], diagnosis, mode: 'plan' },
    }),
  }));
  const { counts } = await actOnDiagnoses(messages, ports);
  return { diagnoses, notifications, counts, reads: reads.stats().calls };
}
