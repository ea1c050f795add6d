/**
 * The channel-neutral content of one notification: one distinct cause, every object it stopped, the fix,
 * and what the system did about it. SNS, Slack, webhooks and the preview all render this one value.
 */
import type { Mode } from '../config.js';
import type { Action, Diagnosis, Fix, Inconclusive, Location, Problem, Verdict } from '../diagnosis/types.js';
import { plural } from './clip.js';

export type Severity = 'critical' | 'warning' | 'info';

/** What a copy in place would send (plan) or did send (auto), as the remediation side reports it. */
export interface PlannedCopy {
  bucket: string;
  key: string;
  versionId?: string;
  /** The exact request (e.g. CopyObject input) so a reader can check it before anything runs. */
  request: Record<string, unknown>;
  executed: boolean;
  /** e.g. "copied, new version 3sL4k…", "refused: GLACIER needs a restore first". */
  outcome?: string;
}

export interface AffectedObject {
  bucket: string;
  key: string;
  versionId?: string;
  eventName: string;
  failureReason?: string;
}

export interface NotificationCause {
  location: Location;
  problem: Problem;
  summary: string;
  missingActions: string[];
  principal?: string;
  resource?: string;
  evidence: string[];
  fix: Fix;
}

/** Where an incident stands, when a notification speaks for one (a storm of one cause is one incident). */
export type IncidentState =
  | 'opened'
  | 'updated'
  | 'still-open'
  | 'redrive-planned'
  | 'redrive-started'
  | 'resolved'
  | 'reopened';

export interface IncidentLine {
  id: string;
  state: IncidentState;
  /** Failure events received (duplicates included). */
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** e.g. what a re-drive would do, or why an incident reopened. */
  details?: string;
  /** e.g. failed, re-driven, failedAgain, timeToRepairMinutes. */
  numbers?: Record<string, number>;
}

export interface Notification {
  /** The incident this notification speaks for, if any. */
  incident?: IncidentLine;
  /** `causeSignature` of every diagnosis it covers. */
  signature: string;
  title: string;
  severity: Severity;
  verdict: Verdict;
  decision: Action;
  mode: Mode;
  /** Says which mode acted and whether anything changed, e.g. "Mode: plan — nothing was changed". */
  modeLine: string;
  sourceBucket: string;
  destinationBucket: string;
  ruleId: string;
  /** Distinct failure reasons (or event names) of the objects, in first-seen order. */
  failureReasons: string[];
  causes: NotificationCause[];
  inconclusive: Inconclusive[];
  notes: string[];
  /** Every distinct object version (a redelivered event is listed once); renderers list only the first few. */
  objects: AffectedObject[];
  plannedCopies: PlannedCopy[];
  /** The diagnoses as the engine returned them, for machine subscribers. */
  diagnoses: Diagnosis[];
}

export interface NotificationInput {
  /** Diagnoses with one `causeSignature` (at least one). */
  diagnoses: Diagnosis[];
  mode: Mode;
  decision: Action;
  plannedCopies?: PlannedCopy[];
  incident?: IncidentLine;
}

export class NotificationInputError extends Error {
  override readonly name = 'NotificationInputError';
}

/** KMS key causes name the key, which may differ per object; elsewhere the resource is the rule's (or the object's). */
const PER_OBJECT_RESOURCE: ReadonlySet<Location> = new Set<Location>([
  'source-kms-key',
  'destination-kms-key',
]);

/** Problems that explain an event without anything to fix. */
const BENIGN: ReadonlySet<Problem> = new Set<Problem>(['object-gone', 'already-replicated']);

/**
 * Diagnoses with equal signatures have one cause and one fix, so they make one notification: a storm of
 * 10,000 failures from one missing permission is one message, not 10,000.
 */
export function causeSignature(diagnosis: Diagnosis): string {
  const { failure } = diagnosis;
  return JSON.stringify([
    failure.sourceBucket,
    failure.ruleId,
    failure.destinationBucket,
    diagnosis.verdict,
    diagnosis.causes.map((cause) => [
      cause.location,
      cause.problem,
      cause.missingActions,
      PER_OBJECT_RESOURCE.has(cause.location) ? (cause.resource ?? null) : null,
    ]),
    diagnosis.inconclusive.map((item) => item.check).sort(),
  ]);
}

/** Groups in first-seen order; each group is one notification. */
export function groupByCause(diagnoses: readonly Diagnosis[]): Diagnosis[][] {
  const groups = new Map<string, Diagnosis[]>();
  for (const diagnosis of diagnoses) {
    const signature = causeSignature(diagnosis);
    const group = groups.get(signature);
    if (group) group.push(diagnosis);
    else groups.set(signature, [diagnosis]);
  }
  return [...groups.values()];
}

function severityOf(verdict: Verdict, causes: readonly NotificationCause[], decision: Action): Severity {
  if (decision === 'retrigger') return 'info';
  switch (verdict) {
    case 'root-cause-found':
      return causes.some(
        (cause) =>
          cause.location !== 'transient' && cause.location !== 'unknown' && !BENIGN.has(cause.problem),
      )
        ? 'critical'
        : 'warning';
    case 'inconclusive':
      return 'warning';
    case 'no-cause-found':
    case 'no-action-needed':
      return 'info';
    default: {
      const unknown: never = verdict;
      throw new NotificationInputError(`unknown verdict ${String(unknown)}`);
    }
  }
}

function titleOf(
  verdict: Verdict,
  causes: readonly NotificationCause[],
  route: string,
  count: number,
): string {
  const objects = count > 1 ? ` (${plural(count, 'object')})` : '';
  const [first] = causes;
  const more = causes.length > 1 ? ` +${causes.length - 1} more` : '';
  switch (verdict) {
    case 'root-cause-found':
      return `Replication blocked: ${first ? `${first.location} / ${first.problem}` : 'cause found'}${more} — ${route}${objects}`;
    case 'no-cause-found':
      return `Replication failed, cause gone now — ${route}${objects}`;
    case 'inconclusive':
      return `Replication failed, cause not confirmed — ${route}${objects}`;
    case 'no-action-needed':
      return `No action needed${first ? `: ${first.problem}` : ''} — ${route}${objects}`;
    default: {
      const unknown: never = verdict;
      throw new NotificationInputError(`unknown verdict ${String(unknown)}`);
    }
  }
}

function retriggerLine(mode: Mode, copies: readonly PlannedCopy[], count: number): string {
  if (mode === 'plan') {
    return `Mode: plan — nothing was changed; a copy in place would re-trigger ${plural(copies.length || count, 'object')}`;
  }
  if (copies.length === 0) return 'Mode: auto — copy in place decided';
  const executed = copies.filter((copy) => copy.executed).length;
  if (executed === copies.length) return `Mode: auto — copied in place (${plural(executed, 'object')})`;
  if (executed === 0) {
    const reason = copies.find((copy) => copy.outcome)?.outcome;
    return `Mode: auto — nothing was changed; not copied${reason ? `: ${reason}` : ''}`;
  }
  return `Mode: auto — copied in place ${executed} of ${plural(copies.length, 'object')}`;
}

function modeLineOf(mode: Mode, decision: Action, copies: readonly PlannedCopy[], count: number): string {
  switch (decision) {
    case 'retrigger':
      return retriggerLine(mode, copies, count);
    case 'notify':
      return `Mode: ${mode} — nothing was changed`;
    case 'ignore':
      return `Mode: ${mode} — nothing was changed (no action needed)`;
    default: {
      const unknown: never = decision;
      throw new NotificationInputError(`unknown decision ${String(unknown)}`);
    }
  }
}

function objectOf(diagnosis: Diagnosis): AffectedObject {
  const f = diagnosis.failure;
  return {
    bucket: f.sourceBucket,
    key: f.key,
    ...(f.versionId ? { versionId: f.versionId } : {}),
    eventName: f.eventName,
    ...(f.failureReason ? { failureReason: f.failureReason } : {}),
  };
}

function distinctObjects(diagnoses: readonly Diagnosis[]): AffectedObject[] {
  const seen = new Map<string, AffectedObject>();
  for (const diagnosis of diagnoses) {
    const object = objectOf(diagnosis);
    const id = JSON.stringify([object.bucket, object.key, object.versionId ?? null]);
    if (!seen.has(id)) seen.set(id, object);
  }
  return [...seen.values()];
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

const INCIDENT_TITLE: Record<IncidentState, string> = {
  opened: 'Incident opened: ',
  updated: '',
  'still-open': 'Still open: ',
  'redrive-planned': 'Re-drive planned: ',
  'redrive-started': 'Re-drive started: ',
  resolved: 'Resolved: ',
  reopened: 'Reopened: ',
};

/** One line a person reads first: which incident, how big, since when. */
export function incidentSummary(incident: IncidentLine): string {
  const numbers = Object.entries(incident.numbers ?? {})
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  return (
    `Incident ${incident.id} (${incident.state}): ${plural(incident.count, 'failure')} ` +
    `from ${incident.firstSeen} to ${incident.lastSeen}${numbers ? `; ${numbers}` : ''}` +
    `${incident.details ? `. ${incident.details}` : ''}`
  );
}

export function buildNotification(input: NotificationInput): Notification {
  const [first] = input.diagnoses;
  if (!first) throw new NotificationInputError('a notification needs at least one diagnosis');
  const signature = causeSignature(first);
  if (input.diagnoses.some((diagnosis) => causeSignature(diagnosis) !== signature)) {
    throw new NotificationInputError(
      'the diagnoses of one notification must share one cause (see causeSignature)',
    );
  }
  const causes = first.causes.map(
    (cause): NotificationCause => ({
      location: cause.location,
      problem: cause.problem,
      summary: cause.summary,
      missingActions: cause.missingActions,
      ...(cause.principal ? { principal: cause.principal } : {}),
      ...(cause.resource ? { resource: cause.resource } : {}),
      evidence: cause.evidence ?? [],
      fix: cause.fix,
    }),
  );
  const objects = distinctObjects(input.diagnoses);
  const plannedCopies = input.plannedCopies ?? [];
  const { sourceBucket, destinationBucket, ruleId } = first.failure;
  const { incident } = input;
  const title = titleOf(
    first.verdict,
    causes,
    `${sourceBucket} → ${destinationBucket}`,
    incident?.count ?? objects.length,
  );
  return {
    ...(incident ? { incident } : {}),
    signature,
    title: incident ? `${INCIDENT_TITLE[incident.state]}${title}` : title,
    severity: incident?.state === 'resolved' ? 'info' : severityOf(first.verdict, causes, input.decision),
    verdict: first.verdict,
    decision: input.decision,
    mode: input.mode,
    modeLine: modeLineOf(input.mode, input.decision, plannedCopies, objects.length),
    sourceBucket,
    destinationBucket,
    ruleId,
    failureReasons: unique(input.diagnoses.map((d) => d.failure.failureReason ?? d.failure.eventName)),
    causes,
    inconclusive: first.inconclusive,
    notes: unique(input.diagnoses.flatMap((d) => d.notes ?? [])).slice(0, 10),
    objects,
    plannedCopies,
    diagnoses: input.diagnoses,
  };
}
