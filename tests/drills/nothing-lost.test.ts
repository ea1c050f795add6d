/**
 * Nothing lost: one mixed batch through BOTH functions' real use cases (`diagnoseQueueBatch`, then
 * `actOnDiagnoses` with the real incident store and ledger on dynalite). Every SQS message must end in
 * exactly one place, traced by message id from what the system actually did (dead-letter sends, logs,
 * incident objects), not from its own counters.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReads, createReplayCaller } from '../../shared/aws/index.js';
import { createReplayS3Client } from '../../shared/aws/replay-s3-client.js';
import { createIncidentStore } from '../../shared/incidents/store.js';
import { createAttemptLedger } from '../../shared/ledger/index.js';
import type { Notification } from '../../shared/notify/notification.js';
import { actOnDiagnoses } from '../../shared/pipeline/act-on-diagnoses.js';
import { createActPorts } from '../../shared/pipeline/act-ports.js';
import type { DiagnosisEventDetail } from '../../shared/pipeline/bus-events.js';
import {
  type BatchLog,
  diagnoseQueueBatch,
  type LogFields,
  type QueueMessage,
} from '../../shared/pipeline/diagnose-queue-batch.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { loadScenario } from '../support/storm.js';

const EVENTS = new URL('../../events/', import.meta.url);
const readEvent = (path: string) => readFileSync(new URL(path, EVENTS), 'utf8');
const INVALID_FILES = readdirSync(new URL('invalid/', EVENTS)).sort();

interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

function capturingLog(lines: LogLine[]): BatchLog {
  return {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
}

type S3Record = Record<string, unknown> & { s3: { object: Record<string, unknown> } };

/** A notification holding one record of `events/records/<file>`, for an object of its own. */
function recordBody(file: string, key: string, versionId = `v-${key}`): string {
  const [record] = (JSON.parse(readEvent(`records/${file}`)) as { Records: S3Record[] }).Records;
  if (!record) throw new Error(`${file} holds no record`);
  const object = { ...record.s3.object, key, versionId };
  return JSON.stringify({ Records: [{ ...record, s3: { ...record.s3, object } }] });
}

type Outcome =
  | { end: 'dead-letter'; reasonIncludes: string }
  | { end: 'ignored'; reasonIncludes: string }
  | { end: 'recorded' };

interface Case {
  messageId: string;
  body: string;
  expected: Outcome;
}

/** Each invalid sample's defect, as the dead-letter reason must name it. */
const INVALID_REASON: Record<string, string> = {
  'bad-destination-arn.json': 'destinationBucket',
  'empty-bucket-name.json': 'bucket.name',
  'key-not-a-string.json': 'object.key',
  'malformed-key-encoding.json': 'object.key',
  'missing-bucket-name.json': 'bucket.name',
  'missing-failure-reason.json': 'failureReason',
  'missing-key.json': 'object.key',
  'missing-replication-data.json': 'replicationEventData',
  'not-an-object.json': 'must be an event object',
  'not-json.txt': 'not valid JSON',
  'records-not-an-array.json': 'must be an array',
  'size-not-a-number.json': 'object.size',
  'too-deep.json': 'deeper than',
  'unrecognised-envelope.json': 'not a recognised event',
  'unsupported-event-version.json': 'eventVersion',
};

function mixedBatch(): Case[] {
  const { event } = loadScenario('permissions-boundary-lacks-replicate-object');
  const [good] = event.Records as S3Record[];
  if (!good) throw new Error('scenario without a record');
  const goodBody = (key: string) =>
    JSON.stringify({ Records: [{ ...good, s3: { ...good.s3, object: { ...good.s3.object, key } } }] });
  const duplicate = goodBody('drill/duplicate.bin');
  return [
    { messageId: 'good-1', body: goodBody('drill/good-1.bin'), expected: { end: 'recorded' } },
    { messageId: 'good-2', body: goodBody('drill/good-2.bin'), expected: { end: 'recorded' } },
    // S3 may deliver one event twice: both deliveries are counted in the incident, the object once.
    { messageId: 'dup-1', body: duplicate, expected: { end: 'recorded' } },
    { messageId: 'dup-2', body: duplicate, expected: { end: 'recorded' } },
    ...INVALID_FILES.map((file) => ({
      messageId: `invalid-${file}`,
      body: readEvent(`invalid/${file}`),
      expected: {
        end: 'dead-letter',
        reasonIncludes: INVALID_REASON[file] ?? `no reason for ${file}`,
      } as const,
    })),
    {
      messageId: 'unknown-code',
      body: recordBody('unknown-reason.json', 'drill/unknown-code.bin'),
      expected: { end: 'recorded' },
    },
    {
      messageId: 'benign-test-event',
      body: readEvent('envelopes/s3-test-event.json'),
      expected: { end: 'ignored', reasonIncludes: 's3:TestEvent' },
    },
    {
      messageId: 'benign-not-pending',
      body: recordBody('SrcReplicationNotPending.json', 'drill/not-pending.bin'),
      // Against this account the role's boundary is still broken, so the diagnosis names it.
      expected: { end: 'recorded' },
    },
    {
      messageId: 'benign-after-threshold',
      body: recordBody('OperationReplicatedAfterThreshold.json', 'drill/after-threshold.bin'),
      expected: { end: 'ignored', reasonIncludes: 'Nothing to do: the object replicated' },
    },
    {
      messageId: 'benign-missed-threshold',
      body: recordBody('OperationMissedThreshold.json', 'drill/missed-threshold.bin'),
      expected: { end: 'recorded' },
    },
    {
      messageId: 'benign-not-tracked',
      body: recordBody('OperationNotTracked.json', 'drill/not-tracked.bin'),
      expected: { end: 'recorded' },
    },
  ];
}

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

describe('nothing lost (accounting drill)', () => {
  it('ends every message of a mixed batch in exactly one place, through both functions', async () => {
    // Prepare
    const cases = mixedBatch();
    const { snapshot } = loadScenario('permissions-boundary-lacks-replicate-object');
    const table = await dynamo.createLedgerTable();
    const store = createIncidentStore(dynamo.doc, table);
    const lines: LogLine[] = [];
    const log = capturingLog(lines);
    const deadLettered: { sourceId: string | undefined; reason: string; body: string }[] = [];
    const deadLetters = {
      async send(letter: { body: string; reason: string; sourceId?: string }) {
        deadLettered.push({ sourceId: letter.sourceId, reason: letter.reason, body: letter.body });
      },
    };
    const published: QueueMessage[] = [];
    const notifications: Notification[] = [];

    // Act: the diagnose function's use case on the whole mixed batch
    const diagnosed = await diagnoseQueueBatch(
      cases.map(({ messageId, body }) => ({ messageId, body })),
      {
        reads: createReads(createReplayCaller(snapshot)),
        publisher: {
          async publish(entries) {
            for (const entry of entries) {
              published.push({ messageId: '', body: JSON.stringify({ detail: entry.detail }) });
            }
            return { failedIndexes: [] };
          },
        },
        deadLetters,
        mode: 'plan',
        log,
      },
    );
    // Published entries keep the batch's order; name each act message after the message it came from.
    const parsedIds = cases
      .filter((c) => c.expected.end !== 'dead-letter' && c.messageId !== 'benign-test-event')
      .map((c) => c.messageId);
    expect(published).toHaveLength(parsedIds.length);
    const actMessages = published.map((message, i) => ({ ...message, messageId: parsedIds[i] ?? '' }));
    // One unreadable message on the act queue too: the act side must dead-letter it, not drop it.
    actMessages.push({ messageId: 'act-unreadable', body: '{"detail": "not an object"' });

    const acted = await actOnDiagnoses(
      actMessages,
      createActPorts({
        settings: async () => ({ mode: 'plan', autoRetrigger: [], source: 'fallback', warnings: [] }),
        freshReads: createReads(createReplayCaller(snapshot), { cacheTtlMs: 0 }),
        ledger: createAttemptLedger(dynamo.doc, table),
        incidents: { store, slackUpdateIntervalMs: 60_000 },
        s3: createReplayS3Client(snapshot),
        notifier: {
          async notify(notification) {
            notifications.push(notification);
            return { delivered: ['sns'], failed: [] };
          },
        },
        deadLetters,
        log,
      }),
    );

    // Assess: trace every message id to where it ended, from the evidence
    const keyOf = new Map<string, string>();
    for (const message of actMessages.slice(0, -1)) {
      const { detail } = JSON.parse(message.body) as { detail: DiagnosisEventDetail };
      keyOf.set(message.messageId, detail.failure.key);
    }
    const recordedKeys: string[] = [];
    const incidents = await store.listOpen();
    for (const incident of incidents) {
      for await (const object of store.listObjects(incident.incidentId)) recordedKeys.push(object.key);
    }
    const incidentFailures = incidents.reduce((sum, incident) => sum + incident.count, 0);

    const ends = new Map<string, string[]>();
    const note = (messageId: string, end: string) =>
      ends.set(messageId, [...(ends.get(messageId) ?? []), end]);
    for (const letter of deadLettered) note(letter.sourceId ?? '(none)', `dead-letter: ${letter.reason}`);
    for (const line of lines) {
      if (line.message === 'record ignored')
        note(String(line.fields.messageId), `ignored: ${line.fields.reason}`);
    }
    for (const [messageId, key] of keyOf) {
      const ignoredLines = lines.filter(
        (line) => line.message.startsWith('no action needed') && line.fields.key === key,
      );
      for (const line of ignoredLines)
        note(messageId, `ignored: ${String(line.fields.reason ?? line.fields.verdict)}`);
      if (recordedKeys.includes(key)) note(messageId, 'recorded');
    }

    const allIds = [...cases.map((c) => c.messageId), 'act-unreadable'];
    for (const messageId of allIds) {
      const where = ends.get(messageId) ?? [];
      expect(where, `${messageId} ended in ${JSON.stringify(where)}`).toHaveLength(1);
    }
    expect([...ends.keys()].sort()).toEqual([...allIds].sort());

    for (const { messageId, expected } of cases) {
      const [where = ''] = ends.get(messageId) ?? [];
      switch (expected.end) {
        case 'recorded':
          expect(where, messageId).toBe('recorded');
          break;
        case 'dead-letter':
        case 'ignored':
          expect(where, messageId).toMatch(new RegExp(`^${expected.end}: `));
          expect(where, messageId).toContain(expected.reasonIncludes);
          break;
        default: {
          const unreachable: never = expected;
          throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
        }
      }
    }
    expect(ends.get('act-unreadable')).toEqual(['dead-letter: message body is not JSON']);

    // A dead letter carries the message as it came, so a person can replay it after a fix.
    for (const letter of deadLettered.filter((l) => l.sourceId?.startsWith('invalid-'))) {
      const file = (letter.sourceId ?? '').slice('invalid-'.length);
      expect(letter.body).toBe(readEvent(`invalid/${file}`));
    }

    // The functions' own tallies agree with the trace.
    const count = (end: Outcome['end']) => cases.filter((c) => c.expected.end === end).length;
    expect(diagnosed.retryMessageIds).toEqual([]);
    expect(diagnosed.counts).toEqual({
      diagnosed: parsedIds.length,
      ignored: 1,
      deadLettered: INVALID_FILES.length,
      retried: 0,
    });
    expect(acted.retryMessageIds).toEqual([]);
    expect(acted.counts).toMatchObject({
      recorded: count('recorded'),
      ignored: count('ignored') - 1,
      deadLettered: 1,
      retried: 0,
      notified: 0,
      copied: 0,
      planned: 0,
    });
    // The duplicate is one object, delivered twice: the incident counts both deliveries.
    expect(recordedKeys.filter((key) => key === 'drill/duplicate.bin')).toHaveLength(1);
    expect(incidentFailures).toBe(count('recorded'));
    // Each incident was announced once (storms become one message, not one per record).
    expect(notifications.map((n) => n.incident?.state)).toEqual(incidents.map(() => 'opened'));
  });
});
