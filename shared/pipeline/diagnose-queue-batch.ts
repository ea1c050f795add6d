import type { DeadLetterSink } from '../aws/dead-letter.js';
import type { EventPublisher } from '../aws/event-bus.js';
import type { Mode } from '../config.js';
import { type BatchResult, diagnoseBatch } from '../diagnosis/index.js';
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

type IsolatedResult = BatchResult | { failure: ReplicationFailure; bug: Error };

/**
 * The batch diagnosis, with an unexpected error (a bug in a check, not a transient read) confined to the
 * records that hit it: the batch is diagnosed again one record at a time (the read cache makes that cheap)
 * so every other record is still diagnosed.
 */
async function diagnoseIsolated(
  failures: ReplicationFailure[],
  reads: DiagnosisReads,
): Promise<IsolatedResult[]> {
  try {
    return await diagnoseBatch(failures, reads);
  } catch {
    const results: IsolatedResult[] = [];
    for (const failure of failures) {
      try {
        results.push(...(await diagnoseBatch([failure], reads)));
      } catch (error) {
        results.push({ failure, bug: error instanceof Error ? error : new Error(String(error)) });
      }
    }
    return results;
  }
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

  // One parse per message: a message can never use up the parser's bounds for the others.
  const parsed = messages.flatMap((message) =>
    parseEvents({ Records: [{ messageId: message.messageId, body: message.body, eventSource: 'aws:sqs' }] }),
  );
  const seen = new Set(parsed.map((record) => record.sourceId));

  const invalidByMessage = new Map<string, string[]>();
  const failures: { failure: ReplicationFailure; messageId: string }[] = [];
  for (const record of parsed) {
    const messageId = record.sourceId ?? '';
    switch (record.kind) {
      case 'invalid':
        // Appended in place: a message may hold many bad records (copying the list each time is quadratic).
        if (!invalidByMessage.has(messageId)) invalidByMessage.set(messageId, []);
        invalidByMessage.get(messageId)?.push(record.error.message);
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

  for (const message of messages) {
    if (!seen.has(message.messageId))
      invalidByMessage.set(message.messageId, ['the message holds no record']);
  }

  const deadLetter = async (messageId: string, reasons: string[]) => {
    const shown = reasons.slice(0, 5).join('; ');
    const reason = reasons.length > 5 ? `${shown}; …and ${reasons.length - 5} more` : shown;
    try {
      await deps.deadLetters.send({ body: bodies.get(messageId) ?? '', reason, sourceId: messageId });
      counts.deadLettered += reasons.length;
      log.error('record sent to the dead-letter queue', { messageId, reason });
    } catch (error) {
      retry.add(messageId);
      counts.retried += reasons.length;
      log.error('record could not be dead-lettered; left on the queue', { messageId, reason, error });
    }
  };
  for (const [messageId, reasons] of invalidByMessage) await deadLetter(messageId, reasons);

  const results = await diagnoseIsolated(
    failures.map((item) => item.failure),
    deps.reads,
  );
  const entries: { detail: DiagnosisEventDetail; messageId: string }[] = [];
  for (const [i, result] of results.entries()) {
    const messageId = failures[i]?.messageId ?? '';
    if ('bug' in result) {
      // Not the record's fault and not transient: retrying would fail the same way. Keep it, with the reason.
      await deadLetter(messageId, [`diagnosis failed: ${result.bug.name}: ${result.bug.message}`]);
      continue;
    }
    if ('error' in result) {
      retry.add(messageId);
      counts.retried += 1;
      log.warn('diagnosis hit a transient AWS error; the record will be retried', {
        ...correlation(result.failure),
        messageId,
        error: result.error.message,
      });
      continue;
    }
    entries.push({
      detail: { failure: result.failure, diagnosis: result.diagnosis, mode: deps.mode },
      messageId,
    });
  }

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
