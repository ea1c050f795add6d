import type { DeadLetterSink } from '../aws/dead-letter.js';
import type { EventPublisher } from '../aws/event-bus.js';
import type { Mode } from '../config.js';
import { diagnoseBatch } from '../diagnosis/index.js';
import type { DiagnosisReads } from '../diagnosis/reads.js';
import { parseEvents } from '../events/index.js';
import type { ReplicationFailure } from '../events/types.js';
import { DIAGNOSIS_EVENT, type DiagnosisEventDetail } from './bus-events.js';

export interface QueueMessage {
  messageId: string;
  body: string;
}

export type LogFields = Record<string, unknown>;
export interface BatchLog {
  info(message: string, fields: LogFields): void;
  warn(message: string, fields: LogFields): void;
  error(message: string, fields: LogFields): void;
}

export interface DiagnoseQueueDeps {
  reads: DiagnosisReads;
  publisher: EventPublisher;
  deadLetters: DeadLetterSink;
  mode: Mode;
  log: BatchLog;
}

/** Where every record of the batch ended: each is counted in exactly one outcome. */
export interface QueueBatchCounts {
  diagnosed: number;
  ignored: number;
  deadLettered: number;
  retried: number;
}

export interface QueueBatchOutcome {
  /** Messages to leave on the queue for another attempt (reported as batch item failures). */
  retryMessageIds: string[];
  counts: QueueBatchCounts;
}

function correlation(failure: ReplicationFailure): LogFields {
  return {
    bucket: failure.sourceBucket,
    key: failure.key,
    versionId: failure.versionId,
    ruleId: failure.ruleId,
    failureReason: failure.failureReason,
  };
}

/**
 * One batch from the diagnosis queue: parse every message, diagnose each distinct cause once, put the
 * diagnoses on the bus. Bad records go to the dead-letter queue with their reason; records that hit a
 * transient AWS error (or could not be published) stay on the queue for a retry. Nothing is dropped.
 */
export async function diagnoseQueueBatch(
  messages: QueueMessage[],
  deps: DiagnoseQueueDeps,
): Promise<QueueBatchOutcome> {
  const { log } = deps;
  const counts: QueueBatchCounts = { diagnosed: 0, ignored: 0, deadLettered: 0, retried: 0 };
  const retry = new Set<string>();
  const bodies = new Map(messages.map((message) => [message.messageId, message.body]));

  const parsed = parseEvents({
    Records: messages.map((message) => ({
      messageId: message.messageId,
      body: message.body,
      eventSource: 'aws:sqs',
    })),
  });

  const invalidByMessage = new Map<string, string[]>();
  const failures: { failure: ReplicationFailure; messageId: string }[] = [];
  for (const record of parsed) {
    const messageId = record.sourceId ?? '';
    switch (record.kind) {
      case 'invalid':
        invalidByMessage.set(messageId, [...(invalidByMessage.get(messageId) ?? []), record.error.message]);
        break;
      case 'ignored':
        counts.ignored += 1;
        log.info('record ignored', { messageId, reason: record.reason });
        break;
      case 'failure':
        failures.push({ failure: record.failure, messageId });
        break;
      default: {
        const exhaustive: never = record;
        throw new Error(`unhandled record ${JSON.stringify(exhaustive)}`);
      }
    }
  }

  for (const [messageId, reasons] of invalidByMessage) {
    const reason = reasons.join('; ');
    try {
      await deps.deadLetters.send({ body: bodies.get(messageId) ?? '', reason, sourceId: messageId });
      counts.deadLettered += reasons.length;
      log.error('invalid record sent to the dead-letter queue', { messageId, reason });
    } catch (error) {
      retry.add(messageId);
      counts.retried += reasons.length;
      log.error('invalid record could not be dead-lettered; left on the queue', { messageId, reason, error });
    }
  }

  const results = await diagnoseBatch(
    failures.map((item) => item.failure),
    deps.reads,
  );
  const entries: { detail: DiagnosisEventDetail; messageId: string }[] = [];
  results.forEach((result, i) => {
    const messageId = failures[i]?.messageId ?? '';
    if ('error' in result) {
      retry.add(messageId);
      counts.retried += 1;
      log.warn('diagnosis hit a transient AWS error; the record will be retried', {
        ...correlation(result.failure),
        messageId,
        error: result.error.message,
      });
      return;
    }
    entries.push({
      detail: { failure: result.failure, diagnosis: result.diagnosis, mode: deps.mode },
      messageId,
    });
  });

  const { failedIndexes } = await deps.publisher.publish(
    entries.map(({ detail }) => ({
      source: DIAGNOSIS_EVENT.source,
      detailType: DIAGNOSIS_EVENT.detailType,
      detail,
      resources: [`arn:aws:s3:::${detail.failure.sourceBucket}`],
    })),
  );
  const failedPublish = new Set(failedIndexes);
  entries.forEach((entry, i) => {
    if (failedPublish.has(i)) {
      retry.add(entry.messageId);
      counts.retried += 1;
      log.error('diagnosis could not be published; the record will be retried', {
        ...correlation(entry.detail.failure),
        messageId: entry.messageId,
      });
      return;
    }
    counts.diagnosed += 1;
    log.info('diagnosed', {
      ...correlation(entry.detail.failure),
      verdict: entry.detail.diagnosis.verdict,
      action: entry.detail.diagnosis.action,
      causes: entry.detail.diagnosis.causes.map((cause) => `${cause.location}/${cause.problem}`),
    });
  });

  return { retryMessageIds: [...retry], counts };
}
