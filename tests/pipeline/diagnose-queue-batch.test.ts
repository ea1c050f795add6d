import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DeadLetter, DeadLetterSink } from '../../shared/aws/dead-letter.js';
import type { BusEntry, EventPublisher } from '../../shared/aws/event-bus.js';
import { parseSnapshot, snapshotReads } from '../../shared/aws/index.js';
import type { DiagnosisReads } from '../../shared/diagnosis/reads.js';
import { TransientReadError } from '../../shared/diagnosis/reads.js';
import { DIAGNOSIS_EVENT, type DiagnosisEventDetail } from '../../shared/pipeline/bus-events.js';
import {
  type BatchLog,
  diagnoseQueueBatch,
  type QueueMessage,
} from '../../shared/pipeline/diagnose-queue-batch.js';

const scenario = (name: string, file: string) =>
  readFileSync(new URL(`../../events/scenarios/${name}/${file}`, import.meta.url), 'utf8');
const sample = (path: string) => readFileSync(new URL(`../../events/${path}`, import.meta.url), 'utf8');

const VERSIONING = 'destination-versioning-suspended';

function fakePublisher(failIndexes: number[] = []) {
  const published: BusEntry[] = [];
  const publisher: EventPublisher = {
    async publish(entries) {
      published.push(...entries);
      return { failedIndexes: failIndexes.filter((i) => i < entries.length) };
    },
  };
  return { publisher, published };
}

function fakeDeadLetters(fail = false) {
  const letters: DeadLetter[] = [];
  const deadLetters: DeadLetterSink = {
    async send(letter) {
      if (fail) throw new Error('sqs unavailable');
      letters.push(letter);
    },
  };
  return { deadLetters, letters };
}

const silentLog: BatchLog = { info() {}, warn() {}, error() {} };

function versioningReads(): DiagnosisReads {
  return snapshotReads(parseSnapshot(JSON.parse(scenario(VERSIONING, 'snapshot.json'))));
}

/** Reads that fail like an AWS API that keeps throttling after the retries. */
function throttledReads(): DiagnosisReads {
  return new Proxy(versioningReads(), {
    get() {
      return async () => {
        throw new TransientReadError('Throttling after 4 attempts', 'S3.GetBucketReplication');
      };
    },
  });
}

const good: QueueMessage = { messageId: 'good-1', body: scenario(VERSIONING, 'event.json') };
const notJson: QueueMessage = { messageId: 'bad-1', body: '{"Records": [' };
const testEvent: QueueMessage = { messageId: 'test-1', body: sample('envelopes/s3-test-event.json') };

describe('diagnosing one batch from the diagnosis queue', () => {
  it('diagnoses good records, ignores the S3 test event and dead-letters a bad record with its reason', async () => {
    // Prepare
    const { publisher, published } = fakePublisher();
    const { deadLetters, letters } = fakeDeadLetters();

    // Act
    const outcome = await diagnoseQueueBatch([good, notJson, testEvent], {
      reads: versioningReads(),
      publisher,
      deadLetters,
      mode: 'plan',
      log: silentLog,
    });

    // Assess
    expect(outcome).toEqual({
      retryMessageIds: [],
      counts: { diagnosed: 1, ignored: 1, deadLettered: 1, retried: 0 },
    });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      source: DIAGNOSIS_EVENT.source,
      detailType: DIAGNOSIS_EVENT.detailType,
    });
    const detail = published[0]?.detail as DiagnosisEventDetail;
    expect(detail.mode).toBe('plan');
    expect(detail.diagnosis.causes[0]).toMatchObject({
      location: 'destination-bucket-configuration',
      problem: 'versioning-not-enabled',
    });
    expect(letters).toEqual([
      { body: notJson.body, reason: expect.stringMatching(/JSON/), sourceId: 'bad-1' },
    ]);
  });

  it('leaves a record on the queue when its diagnosis hits a transient AWS error, and publishes nothing for it', async () => {
    const { publisher, published } = fakePublisher();
    const { deadLetters } = fakeDeadLetters();

    const outcome = await diagnoseQueueBatch([good], {
      reads: throttledReads(),
      publisher,
      deadLetters,
      mode: 'plan',
      log: silentLog,
    });

    expect(outcome.retryMessageIds).toEqual(['good-1']);
    expect(outcome.counts).toEqual({ diagnosed: 0, ignored: 0, deadLettered: 0, retried: 1 });
    expect(published).toEqual([]);
  });

  it('leaves a record on the queue when its diagnosis could not be published', async () => {
    const { publisher } = fakePublisher([0]);
    const { deadLetters } = fakeDeadLetters();

    const outcome = await diagnoseQueueBatch([good], {
      reads: versioningReads(),
      publisher,
      deadLetters,
      mode: 'auto',
      log: silentLog,
    });

    expect(outcome.retryMessageIds).toEqual(['good-1']);
    expect(outcome.counts.retried).toBe(1);
  });

  it('keeps a bad record on the queue when the dead-letter queue cannot take it', async () => {
    const { publisher } = fakePublisher();
    const { deadLetters } = fakeDeadLetters(true);

    const outcome = await diagnoseQueueBatch([notJson], {
      reads: versioningReads(),
      publisher,
      deadLetters,
      mode: 'plan',
      log: silentLog,
    });

    expect(outcome).toEqual({
      retryMessageIds: ['bad-1'],
      counts: { diagnosed: 0, ignored: 0, deadLettered: 0, retried: 1 },
    });
  });

  it('accounts for every record of a mixed batch exactly once', async () => {
    const { publisher } = fakePublisher();
    const { deadLetters } = fakeDeadLetters();
    const messages = [good, { ...good, messageId: 'good-2' }, notJson, testEvent];

    const { counts } = await diagnoseQueueBatch(messages, {
      reads: versioningReads(),
      publisher,
      deadLetters,
      mode: 'plan',
      log: silentLog,
    });

    expect(counts.diagnosed + counts.ignored + counts.deadLettered + counts.retried).toBe(messages.length);
    expect(counts.diagnosed).toBe(2);
  });

  it('parses each message on its own: an absurd message cannot use up the bounds of the ones after it', async () => {
    const { publisher, published } = fakePublisher();
    const { deadLetters, letters } = fakeDeadLetters();
    const absurd: QueueMessage = {
      messageId: 'absurd',
      body: JSON.stringify({ Records: Array.from({ length: 100_001 }, () => ({})) }),
    };

    const outcome = await diagnoseQueueBatch([absurd, good], {
      reads: versioningReads(),
      publisher,
      deadLetters,
      mode: 'plan',
      log: silentLog,
    });

    expect(published).toHaveLength(1);
    expect(outcome.counts.diagnosed).toBe(1);
    expect(letters.map((letter) => letter.sourceId)).toEqual(['absurd']);
  });

  it('confines an unexpected error (a bug, not a transient read) to its record: dead-lettered with the reason, the others diagnosed', async () => {
    const { publisher, published } = fakePublisher();
    const { deadLetters, letters } = fakeDeadLetters();
    const base = versioningReads();
    const poisonBucket = 'poison-bucket';
    const reads = new Proxy(base, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'getBucketReplication' || typeof value !== 'function') return value;
        return (bucket: string, ...rest: unknown[]) => {
          if (bucket === poisonBucket) throw new TypeError('unexpected shape');
          return value.call(target, bucket, ...rest);
        };
      },
    });
    const poison: QueueMessage = {
      messageId: 'poison-1',
      body: good.body.replaceAll('my-source-bucket-use1', poisonBucket),
    };

    const outcome = await diagnoseQueueBatch([good, poison], {
      reads,
      publisher,
      deadLetters,
      mode: 'plan',
      log: silentLog,
    });

    expect(published).toHaveLength(1);
    expect(outcome.retryMessageIds).toEqual([]);
    expect(letters).toEqual([
      { body: poison.body, reason: 'diagnosis failed: TypeError: unexpected shape', sourceId: 'poison-1' },
    ]);
    expect(outcome.counts).toEqual({ diagnosed: 1, ignored: 0, deadLettered: 1, retried: 0 });
  });
});
