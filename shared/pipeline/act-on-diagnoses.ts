/**
 * The action side: one batch of diagnoses from the act queue. Each diagnosis is decided (notify,
 * retrigger or ignore); a retrigger re-diagnoses with fresh reads first and copies in place only when the
 * cause is really gone, the mode allows it and the ledger has not copied this version before. Diagnoses
 * that share a cause become ONE notification per batch. Nothing is dropped: a record that cannot be read
 * goes to the dead-letter queue with its reason, and a record whose notification could not be delivered
 * anywhere stays on the queue for a retry (the ledger makes the retry copy nothing twice).
 */
import type { DeadLetterSink } from '../aws/dead-letter.js';
import type { Diagnosis } from '../diagnosis/types.js';
import type { ReplicationFailure } from '../events/types.js';
import type { Incident, IncidentStore, RecordOutcome } from '../incidents/types.js';
import type { IncidentLine, Notification, NotificationInput, PlannedCopy } from '../notify/notification.js';
import type { ActionDecision, ActionSettings } from '../remediation/action-policy.js';
import type { CopyPlan, CopyTarget } from '../remediation/copy-in-place.js';
import type { DiagnosisEventDetail } from './bus-events.js';
import type { BatchLog, QueueMessage } from './diagnose-queue-batch.js';
import type { LedgerCopyResult, LedgerCopyTarget } from './ledger-copy.js';
import type { NotifyOptions } from './notifier.js';

export interface NotifyOutcome {
  /** Channels that took the message. */
  delivered: string[];
  /** Channels that did not; `permanent` ones (a revoked webhook) are not retried. */
  failed: { channel: string; error: string; permanent: boolean }[];
}

/** Storms become incidents: failures with a cause are recorded in their incident, which decides what is sent. */
export interface IncidentPorts {
  store: IncidentStore;
  /** An open incident's Slack message is edited at most this often. */
  slackUpdateIntervalMs: number;
  decideNotices(
    outcome: RecordOutcome,
    context: { openOnRoute: Incident[] },
  ): { open: boolean; inhibitedBy?: string };
}

export interface ActPorts {
  incidents?: IncidentPorts;
  settings(): Promise<ActionSettings>;
  decide(diagnosis: Diagnosis, settings: ActionSettings): ActionDecision;
  /** A diagnosis with no cache: what is true now. */
  rediagnose(failure: ReplicationFailure): Promise<Diagnosis>;
  /** A copy in place under the ledger: once per version, never over a newer one (see `ledger-copy.ts`). */
  copyOnce(target: LedgerCopyTarget): Promise<LedgerCopyResult>;
  planCopy(target: CopyTarget): Promise<CopyPlan>;
  causeSignature(diagnosis: Diagnosis): string;
  buildNotification(input: NotificationInput): Notification;
  notify(
    notification: Notification,
    options?: NotifyOptions,
  ): Promise<NotifyOutcome & { slack?: { ts: string; channel: string } }>;
  deadLetters: DeadLetterSink;
  log: BatchLog;
}

export interface ActCounts {
  notified: number;
  /** Recorded in their incident (whose opening, not each record, is notified). */
  recorded: number;
  /** Incident notices held back by an open rule-level incident on the same route. */
  inhibited: number;
  copied: number;
  planned: number;
  ignored: number;
  deadLettered: number;
  retried: number;
  /** Notifications sent (one per distinct cause and decision in the batch). */
  notifications: number;
  /** Channels that refused permanently (logged and counted, e.g. a revoked Slack webhook). */
  deliveryErrors: number;
}

export interface ActOutcome {
  retryMessageIds: string[];
  counts: ActCounts;
}

interface Item {
  messageId: string;
  failure: ReplicationFailure;
  diagnosis: Diagnosis;
}

interface Group {
  diagnoses: Diagnosis[];
  decision: ActionDecision['action'];
  plannedCopies: PlannedCopy[];
  items: Item[];
}

type ItemOutcome = 'notified' | 'recorded' | 'copied' | 'planned' | 'ignored' | 'retried';

function readDetail(
  body: string,
): { ok: true; detail: DiagnosisEventDetail } | { ok: false; reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'message body is not JSON' };
  }
  const detail = (parsed as { detail?: unknown } | null)?.detail;
  if (typeof detail !== 'object' || detail === null)
    return { ok: false, reason: 'event has no detail object' };
  const { failure, diagnosis } = detail as Partial<DiagnosisEventDetail>;
  if (typeof failure?.sourceBucket !== 'string' || typeof failure.key !== 'string') {
    return { ok: false, reason: 'detail.failure is missing sourceBucket or key' };
  }
  if (typeof diagnosis?.verdict !== 'string' || !Array.isArray(diagnosis.causes)) {
    return { ok: false, reason: 'detail.diagnosis is missing verdict or causes' };
  }
  return { ok: true, detail: detail as DiagnosisEventDetail };
}

export async function actOnDiagnoses(messages: QueueMessage[], ports: ActPorts): Promise<ActOutcome> {
  const { log } = ports;
  const counts: ActCounts = {
    notified: 0,
    recorded: 0,
    inhibited: 0,
    copied: 0,
    planned: 0,
    ignored: 0,
    deadLettered: 0,
    retried: 0,
    notifications: 0,
    deliveryErrors: 0,
  };
  const retry = new Set<string>();
  const groups = new Map<string, Group>();
  // Each readable record ends in exactly one outcome; the counts are tallied from this at the end.
  const outcomes = new Map<Item, ItemOutcome>();
  const settings = await ports.settings();

  const addToGroup = (
    item: Item,
    diagnosis: Diagnosis,
    decision: ActionDecision['action'],
    outcome: ItemOutcome,
    copy?: PlannedCopy,
  ) => {
    const key = `${decision}|${ports.causeSignature(diagnosis)}`;
    let group = groups.get(key);
    if (!group) {
      group = { diagnoses: [], decision, plannedCopies: [], items: [] };
      groups.set(key, group);
    }
    group.diagnoses.push(diagnosis);
    group.items.push(item);
    outcomes.set(item, outcome);
    // One line per object version, however many deliveries of it the batch holds.
    const listed = (c: PlannedCopy) =>
      c.bucket === copy?.bucket && c.key === copy.key && c.versionId === copy.versionId;
    if (copy && !group.plannedCopies.some(listed)) group.plannedCopies.push(copy);
  };

  const items: Item[] = [];
  for (const message of messages) {
    const read = readDetail(message.body);
    if (read.ok) {
      items.push({
        messageId: message.messageId,
        failure: read.detail.failure,
        diagnosis: read.detail.diagnosis,
      });
      continue;
    }
    try {
      await ports.deadLetters.send({ body: message.body, reason: read.reason, sourceId: message.messageId });
      counts.deadLettered += 1;
      log.error('unreadable diagnosis event sent to the dead-letter queue', {
        messageId: message.messageId,
        reason: read.reason,
      });
    } catch (error) {
      retry.add(message.messageId);
      counts.retried += 1;
      log.error('unreadable diagnosis event could not be dead-lettered', {
        messageId: message.messageId,
        error,
      });
    }
  }

  for (const item of items) {
    try {
      await actOnOne(item);
    } catch (error) {
      // Throttling, a changed object (412), an unavailable ledger: leave the record for a later attempt.
      retry.add(item.messageId);
      outcomes.set(item, 'retried');
      log.warn('action failed; the record will be retried', {
        bucket: item.failure.sourceBucket,
        key: item.failure.key,
        versionId: item.failure.versionId,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }

  async function actOnOne(item: Item): Promise<void> {
    const decision = ports.decide(item.diagnosis, settings);
    switch (decision.action) {
      case 'ignore':
        outcomes.set(item, 'ignored');
        log.info('no action needed', { key: item.failure.key, reason: decision.reason });
        return;
      case 'notify':
        addToGroup(item, item.diagnosis, 'notify', 'notified');
        return;
      case 'retrigger':
        await retrigger(item, decision);
        return;
      default: {
        const exhaustive: never = decision.action;
        throw new Error(`unhandled action ${String(exhaustive)}`);
      }
    }
  }

  async function retrigger(item: Item, decision: ActionDecision): Promise<void> {
    const { failure } = item;
    // The cause must be gone NOW: a diagnosis from the cache or from minutes ago is not enough to write.
    const fresh = await ports.rediagnose(failure);
    if (fresh.verdict === 'no-action-needed') {
      outcomes.set(item, 'ignored');
      log.info('no action needed any more', { key: failure.key, verdict: fresh.verdict });
      return;
    }
    if (fresh.verdict !== 'no-cause-found') {
      addToGroup(item, fresh, 'notify', 'notified');
      return;
    }
    const target: CopyTarget = {
      bucket: failure.sourceBucket,
      key: failure.key,
      versionId: failure.versionId,
    };
    if (decision.execute && failure.versionId) {
      const copied = await ports.copyOnce({ ...target, reason: failure.failureReason ?? failure.eventName });
      const listed = { bucket: target.bucket, key: target.key, versionId: failure.versionId, executed: true };
      switch (copied.kind) {
        case 'copied':
          addToGroup(item, fresh, 'retrigger', 'copied', {
            ...listed,
            request: copied.request,
            outcome: copied.newVersionId ? `new version ${copied.newVersionId}` : 'copied',
          });
          return;
        case 'copied-before':
          // Say so again: the earlier delivery's notification may be the one that did not go out.
          log.info('copy already done for this version (duplicate delivery)', { key: failure.key });
          addToGroup(item, fresh, 'retrigger', 'ignored', {
            ...listed,
            request: {},
            outcome: 'copied in place by an earlier delivery',
          });
          return;
        case 'limit-reached': {
          const note =
            'This version was written by an earlier copy in place and failed again: not copied again.';
          addToGroup(item, withNote(fresh, note), 'notify', 'notified');
          return;
        }
        case 'refused':
          // A refused copy request goes back to the queue: the retry re-plans (a newer version is then refused
          // before any request) or copies once a passing denial is gone.
          if (copied.error !== undefined) throw copied.error;
          addToGroup(item, withNote(fresh, `Not copied: ${copied.reason}`), 'notify', 'notified');
          return;
        default: {
          const unknown: never = copied;
          throw new Error(`unknown copy result ${JSON.stringify(unknown)}`);
        }
      }
    }
    // Plan mode (or a class not opted in): show exactly what would be copied, change nothing.
    const plan = await ports.planCopy(target);
    addToGroup(
      item,
      plan.kind === 'refuse' ? withNote(fresh, `A copy in place would be refused: ${plan.reason}`) : fresh,
      'retrigger',
      'planned',
      plan.kind === 'copy'
        ? {
            bucket: target.bucket,
            key: target.key,
            ...(failure.versionId ? { versionId: failure.versionId } : {}),
            request: plan.request as unknown as Record<string, unknown>,
            executed: false,
          }
        : undefined,
    );
  }

  let openIncidents: Promise<Incident[]> | undefined;
  const opensIncident = (group: Group) =>
    ports.incidents !== undefined &&
    group.decision === 'notify' &&
    (group.diagnoses[0]?.verdict === 'root-cause-found' || group.diagnoses[0]?.verdict === 'inconclusive');

  async function recordInIncident(group: Group, incidents: IncidentPorts): Promise<void> {
    const [diagnosis] = group.diagnoses;
    if (!diagnosis) return;
    let outcome: RecordOutcome;
    try {
      outcome = await incidents.store.recordFailures(
        diagnosis,
        group.items.map(({ failure }) => ({
          bucket: failure.sourceBucket,
          key: failure.key,
          eventTime: failure.eventTime,
          ...(failure.versionId ? { versionId: failure.versionId } : {}),
          ...(failure.failureReason ? { failureReason: failure.failureReason } : {}),
        })),
      );
    } catch (error) {
      // The ledger could not take them (throttling): keep the records for another attempt.
      log.warn('failures could not be recorded in their incident; the records will be retried', { error });
      for (const item of group.items) {
        retry.add(item.messageId);
        outcomes.set(item, 'retried');
      }
      return;
    }
    for (const item of group.items) outcomes.set(item, 'recorded');
    try {
      await noticeIncident(group, incidents, outcome);
    } catch (error) {
      // The records are safe in the incident; the sweep's still-open digest is the retry of this notice.
      counts.deliveryErrors += 1;
      log.error('incident notice failed; the sweep will send it', {
        incident: outcome.incident.incidentId,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }

  async function noticeIncident(
    group: Group,
    incidents: IncidentPorts,
    outcome: RecordOutcome,
  ): Promise<void> {
    const { incident } = outcome;
    openIncidents ??= incidents.store.listOpen();
    const openOnRoute = (await openIncidents).filter(
      (other) =>
        other.incidentId !== incident.incidentId &&
        other.sourceBucket === incident.sourceBucket &&
        other.ruleId === incident.ruleId &&
        other.destinationBucket === incident.destinationBucket,
    );
    const decision = incidents.decideNotices(outcome, { openOnRoute });
    const line = (state: IncidentLine['state']): IncidentLine => ({
      id: incident.incidentId,
      state,
      count: incident.count,
      firstSeen: incident.firstSeen,
      lastSeen: incident.lastSeen,
    });
    if (decision.open) {
      const sent = await ports.notify(
        ports.buildNotification({
          diagnoses: group.diagnoses,
          mode: settings.mode,
          decision: 'notify',
          incident: line(outcome.reopened ? 'reopened' : 'opened'),
        }),
      );
      counts.notifications += 1;
      for (const failed of sent.failed) {
        counts.deliveryErrors += 1;
        log.error('incident notice not delivered', { incident: incident.incidentId, ...failed });
      }
      // Not re-queued when undelivered: the records are safe in the incident, and the sweep's still-open
      // digest (due at once, since none was sent) is the retry of this notice.
      if (sent.slack) await incidents.store.setSlackMessage(incident.incidentId, sent.slack);
      return;
    }
    if (decision.inhibitedBy) {
      counts.inhibited += 1;
      log.info('incident notice inhibited', { incident: incident.incidentId, by: decision.inhibitedBy });
      return;
    }
    if (
      incident.slack &&
      (await incidents.store.claimNotification(
        incident.incidentId,
        'slack-update',
        incidents.slackUpdateIntervalMs,
      ))
    ) {
      const sent = await ports.notify(
        ports.buildNotification({
          diagnoses: group.diagnoses,
          mode: settings.mode,
          decision: 'notify',
          incident: line('updated'),
        }),
        { channels: ['slack'], slackMessage: incident.slack },
      );
      counts.notifications += 1;
      for (const failed of sent.failed) {
        counts.deliveryErrors += 1;
        log.error('incident update not delivered', { incident: incident.incidentId, ...failed });
      }
    }
  }

  for (const group of groups.values()) {
    if (ports.incidents && opensIncident(group)) {
      await recordInIncident(group, ports.incidents);
      continue;
    }
    const notification = ports.buildNotification({
      diagnoses: group.diagnoses,
      mode: settings.mode,
      decision: group.decision,
      plannedCopies: group.plannedCopies,
    });
    const outcome = await ports.notify(notification);
    counts.notifications += 1;
    // Each channel already retried (429, 5xx). What still failed is logged and counted (an alarm watches the
    // count); records are kept for another attempt only when no channel took the message at all.
    for (const failed of outcome.failed) {
      counts.deliveryErrors += 1;
      log.error('notification not delivered', {
        channel: failed.channel,
        error: failed.error,
        permanent: failed.permanent,
      });
    }
    if (outcome.delivered.length === 0) {
      for (const item of group.items) {
        retry.add(item.messageId);
        outcomes.set(item, 'retried');
      }
    }
  }

  // One message may carry several records: if any of them is retried, the message is retried as a whole.
  for (const [item, outcome] of outcomes) counts[retry.has(item.messageId) ? 'retried' : outcome] += 1;
  return { retryMessageIds: [...retry], counts };
}

function withNote(diagnosis: Diagnosis, note: string): Diagnosis {
  return { ...diagnosis, notes: [...(diagnosis.notes ?? []), note] };
}
