import type {
  Destination,
  Metrics,
  NotificationConfiguration,
  QueueConfiguration,
  ReplicationRule,
} from '@aws-sdk/client-s3';
import { differingPaths } from './documents.js';
import {
  type BucketEnrolmentState,
  ENROLMENT_ID,
  type EnrolmentPlan,
  type EnrolmentTarget,
  type MetricsChange,
  REPLICATION_EVENTS,
  type UnenrolmentTarget,
} from './types.js';

// Only `Minutes: 15` is accepted for RTC's time and the metrics event threshold.
const RTC_EVENT_THRESHOLD = { Minutes: 15 };

/** A plan that changes nothing yet: the current notification document, copied so the plan can edit it. */
function startPlan(current: BucketEnrolmentState): EnrolmentPlan {
  return {
    notification: structuredClone(current.notification),
    changes: [],
    notes: [],
    conflicts: [],
    metricsChanges: [],
  };
}

/**
 * Adds our queue entry and turns replication metrics on for every rule (failure events need them).
 * Everything else is copied untouched, in its order: other entries, filters, EventBridge, every rule field.
 */
export function planEnrolment(current: BucketEnrolmentState, target: EnrolmentTarget): EnrolmentPlan {
  const plan = startPlan(current);
  addQueueEntry(plan, target.id ?? ENROLMENT_ID, target.queueArn);
  if (current.replication === null) {
    plan.notes.push('no replication configuration: nothing to watch');
    return plan;
  }
  const replication = structuredClone(current.replication);
  (replication.Rules ?? []).forEach((rule, index) => {
    enableMetrics(plan, rule, index);
  });
  if (plan.metricsChanges.length > 0 || plan.changes.some((line) => line.startsWith('replication')))
    plan.replication = replication;
  return plan;
}

/** Removes exactly our entry and, when given, turns off the metrics enrol turned on. */
export function planUnenrolment(current: BucketEnrolmentState, target: UnenrolmentTarget): EnrolmentPlan {
  const plan = startPlan(current);
  removeQueueEntry(plan, target.id ?? ENROLMENT_ID, target.queueArn);
  const undo = target.metricsChanges ?? [];
  if (current.replication === null) {
    if (undo.length > 0) plan.notes.push('no replication configuration: no metrics to turn off');
    return plan;
  }
  if (undo.length === 0) {
    plan.notes.push('replication metrics left as they are (no record of which rules enrol changed)');
    return plan;
  }
  const replication = structuredClone(current.replication);
  let changed = false;
  for (const change of undo) changed = restoreMetrics(plan, replication.Rules ?? [], change) || changed;
  if (changed) plan.replication = replication;
  return plan;
}

function addQueueEntry(plan: EnrolmentPlan, id: string, queueArn: string): void {
  const desired: QueueConfiguration = { Id: id, QueueArn: queueArn, Events: [REPLICATION_EVENTS] };
  const notification = plan.notification;
  const queues = notification.QueueConfigurations ?? [];
  const ours = queues.findIndex((entry) => entry.Id === id);
  const existing = queues[ours];
  if (existing) {
    // Another stack (stage) with the same Id owns this entry; replacing it would take its events away.
    if (existing.QueueArn !== queueArn) {
      plan.conflicts.push(
        `notification: entry "${id}" already sends to ${existing.QueueArn ?? 'no queue'} (another stack?); give this stack its own notification id`,
      );
      return;
    }
    // S3 returns the fields in its own order, so compare structurally, not as text.
    if (differingPaths(desired, existing).length > 0) {
      queues[ours] = desired;
      plan.changes.push(`notification: update entry "${id}" to send ${REPLICATION_EVENTS} to ${queueArn}`);
    }
    return;
  }
  const toOurQueue = queues.filter(
    (entry) => entry.QueueArn === queueArn && replicationEvents(entry.Events).length > 0,
  );
  const alreadyOurQueue = toOurQueue.find(sendsFailures);
  if (alreadyOurQueue) {
    plan.notes.push(
      `notification: entry "${alreadyOurQueue.Id ?? '(no id)'}" already sends ${replicationEvents(alreadyOurQueue.Events).join(', ')} to ${queueArn}: left as it is`,
    );
    return;
  }
  for (const entry of toOurQueue)
    plan.conflicts.push(
      `notification: entry "${entry.Id ?? '(no id)'}" sends ${replicationEvents(entry.Events).join(', ')} to ${queueArn}${hasFilter(entry) ? ' for filtered keys only' : ''}, so failure events for every key would not arrive; change or remove it first`,
    );
  if (plan.conflicts.length > 0) return;
  // Our entry has no filter, so it overlaps any other entry for replication events; S3 rejects overlaps.
  for (const [kind, entries] of otherDestinations(notification)) {
    for (const entry of entries) {
      const events = replicationEvents(entry.Events);
      if (events.length > 0)
        plan.conflicts.push(
          `notification: ${kind} entry "${entry.Id ?? '(no id)'}" already takes ${events.join(', ')}; S3 rejects a second entry for the same events`,
        );
    }
  }
  if (plan.conflicts.length > 0) return;
  notification.QueueConfigurations = [...queues, desired];
  plan.changes.push(`notification: add entry "${id}" sending ${REPLICATION_EVENTS} to ${queueArn}`);
}

function removeQueueEntry(plan: EnrolmentPlan, id: string, queueArn: string): void {
  const queues = plan.notification.QueueConfigurations;
  const withId = queues?.find((entry) => entry.Id === id);
  if (!queues || !withId) {
    plan.notes.push(`notification: no entry "${id}": nothing to remove`);
    return;
  }
  // Another stack with the same Id may have enrolled this bucket since; its entry is not ours to remove.
  if (withId.QueueArn !== queueArn) {
    plan.notes.push(
      `notification: entry "${id}" sends to ${withId.QueueArn ?? 'no queue'}, not ${queueArn}: left as it is`,
    );
    return;
  }
  const ours = withId;
  const rest = queues.filter((entry) => entry !== ours);
  // Enrol created the list when the bucket had no queue entries; S3 returns no empty lists.
  if (rest.length > 0) plan.notification.QueueConfigurations = rest;
  else delete plan.notification.QueueConfigurations;
  plan.changes.push(`notification: remove entry "${id}" (to ${ours.QueueArn ?? 'no queue'})`);
}

interface EventEntry {
  Id?: string | undefined;
  Events: string[] | undefined;
}

function otherDestinations(notification: NotificationConfiguration): Array<[string, EventEntry[]]> {
  return [
    ['queue', notification.QueueConfigurations ?? []],
    ['topic', notification.TopicConfigurations ?? []],
    ['Lambda function', notification.LambdaFunctionConfigurations ?? []],
  ];
}

// Only these deliver the failure events the doctor exists for; threshold events alone are not enough.
const FAILURE_EVENTS = new Set([REPLICATION_EVENTS, 's3:Replication:OperationFailedReplication']);

/** An entry that delivers failure events for every key: what our own entry would do. */
function sendsFailures(entry: QueueConfiguration): boolean {
  return (entry.Events ?? []).some((event) => FAILURE_EVENTS.has(event)) && !hasFilter(entry);
}

function hasFilter(entry: QueueConfiguration): boolean {
  return (entry.Filter?.Key?.FilterRules ?? []).some((rule) => rule.Value);
}

function replicationEvents(events: string[] | undefined): string[] {
  return (events ?? []).filter((event) => event.startsWith('s3:Replication:'));
}

function ruleLabel(rule: ReplicationRule, index: number): string {
  return rule.ID ? `rule "${rule.ID}"` : `rule #${index + 1}`;
}

function enableMetrics(plan: EnrolmentPlan, rule: ReplicationRule, index: number): void {
  const destination: Destination | undefined = rule.Destination;
  if (!destination) {
    plan.notes.push(`replication: ${ruleLabel(rule, index)} has no destination: left as it is`);
    return;
  }
  const before = destination.Metrics;
  if (before?.Status === 'Enabled') return;
  const rtcOn = destination.ReplicationTime?.Status === 'Enabled';
  const threshold = before?.EventThreshold ?? (rtcOn ? RTC_EVENT_THRESHOLD : undefined);
  const metrics: Metrics = { Status: 'Enabled', ...(threshold ? { EventThreshold: threshold } : {}) };
  // Assigning keeps an existing `Metrics` key where it was; a new one goes last.
  destination.Metrics = metrics;
  if (rule.ID) plan.metricsChanges.push({ ruleId: rule.ID, before: before ?? null });
  else
    plan.notes.push(
      `replication: ${ruleLabel(rule, index)} has no ID, so unenrol cannot find it to turn its metrics off`,
    );
  plan.changes.push(
    `replication: turn on metrics for ${ruleLabel(rule, index)} (failure events need them)${rule.Prefix !== undefined && rule.Filter === undefined ? '; a V1 (Prefix) rule: S3 may require the V2 form for metrics' : ''}`,
  );
}

function restoreMetrics(plan: EnrolmentPlan, rules: ReplicationRule[], change: MetricsChange): boolean {
  const rule = rules.find((candidate) => candidate.ID === change.ruleId);
  const label = `rule "${change.ruleId}"`;
  const destination = rule?.Destination;
  if (!rule || !destination) {
    plan.notes.push(`replication: ${label} no longer exists: nothing to turn off`);
    return false;
  }
  if (destination.ReplicationTime?.Status === 'Enabled') {
    plan.notes.push(`replication: ${label} now has RTC, which needs metrics: left on`);
    return false;
  }
  const threshold = change.before?.EventThreshold;
  const asEnrolled: Metrics = { Status: 'Enabled', ...(threshold ? { EventThreshold: threshold } : {}) };
  if (JSON.stringify(destination.Metrics) !== JSON.stringify(asEnrolled)) {
    plan.notes.push(`replication: ${label} metrics changed since enrolment: left as they are`);
    return false;
  }
  if (change.before === null) delete destination.Metrics;
  else destination.Metrics = structuredClone(change.before);
  plan.changes.push(`replication: turn metrics for ${label} back to ${change.before ? 'disabled' : 'unset'}`);
  return true;
}
