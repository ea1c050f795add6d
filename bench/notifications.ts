import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSnapshot, snapshotReads } from '../shared/aws/index.js';
import { createReplayS3Client } from '../shared/aws/replay-s3-client.js';
import { diagnose } from '../shared/diagnosis/index.js';
import { parseEvents } from '../shared/events/index.js';
import { actOnDiagnoses } from '../shared/pipeline/act-on-diagnoses.js';
import { createActPorts } from '../shared/pipeline/act-ports.js';
import type { Section } from './lib/report.js';

const SCENARIOS = fileURLToPath(new URL('../events/scenarios/', import.meta.url));
/** Five distinct causes, each behind many failed objects. */
const CAUSES = [
  'cross-account-destination-bucket-policy-missing',
  'sse-kms-destination-key-policy-lacks-role',
  'role-policy-resource-on-bucket-arn',
  'destination-versioning-suspended',
  'permissions-boundary-lacks-replicate-object',
];

export async function benchNotifications(perCause = 200): Promise<Section> {
  const messages: { messageId: string; body: string }[] = [];
  let snapshot: ReturnType<typeof parseSnapshot> | undefined;
  for (const name of CAUSES) {
    const dir = join(SCENARIOS, name);
    const [record] = parseEvents(JSON.parse(await readFile(join(dir, 'event.json'), 'utf8')));
    if (record?.kind !== 'failure') throw new Error(`no failure in ${name}`);
    snapshot = parseSnapshot(JSON.parse(await readFile(join(dir, 'snapshot.json'), 'utf8')));
    const diagnosis = await diagnose(record.failure, snapshotReads(snapshot));
    for (let i = 0; i < perCause; i++) {
      const key = `${name}/object-${i}.bin`;
      messages.push({
        messageId: `${name}-${i}`,
        body: JSON.stringify({
          detail: {
            failure: { ...record.failure, key, rawKey: key },
            diagnosis: { ...diagnosis, failure: { ...diagnosis.failure, key } },
            mode: 'plan',
          },
        }),
      });
    }
  }
  if (!snapshot) throw new Error('no scenario loaded');
  let sent = 0;
  const ports = createActPorts({
    settings: async () => ({ mode: 'plan', autoRetrigger: [], source: 'fallback', warnings: [] }),
    freshReads: snapshotReads(snapshot, { cacheTtlMs: 0 }),
    s3: createReplayS3Client(snapshot),
    notifier: {
      async notify() {
        sent += 1;
        return { delivered: ['sns'], failed: [] };
      },
    },
    deadLetters: {
      async send() {
        throw new Error('unexpected dead letter');
      },
    },
    log: { info() {}, warn() {}, error() {} },
  });
  const { counts } = await actOnDiagnoses(messages, ports);
  return {
    title: 'Notifications per batch',
    about: `One act batch of ${messages.length} diagnoses: ${perCause} failed objects for each of ${CAUSES.length} distinct causes, through the act function's use case.`,
    header: ['design', 'notifications sent', 'per distinct cause'],
    rows: [
      ['this system', String(sent), (sent / CAUSES.length).toFixed(1)],
      ['naive: one message per event', String(messages.length), String(perCause)],
    ],
    notes: [
      `Records notified: ${counts.notified}; every one is listed in its cause's notification (SNS lists up to the size limit, then "…and N more").`,
    ],
  };
}
