/**
 * The one UpdateItem that records a batch of failures in their incident. Each part of the item's state
 * that changes what the update must do (new or open vs resolved, a re-drive under way or not, whether the
 * batch moves last/first seen) is one "variant", and the update's condition requires exactly that state.
 * A writer that guessed wrong reads the item and tries the variant that matches; so under any number of
 * concurrent writers each change happens once: one creator opens, one writer reopens, last seen only
 * moves forward, first seen only back.
 */
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { OPEN_INDEX_KEY } from './item-keys.js';
import { INCIDENT_KIND, REFAIL_COUNTING_STATES } from './stored-incident.js';
import { UpdateClauses, type UpdateParts } from './update-clauses.js';

export interface RecordVariant {
  /** The incident is resolved: this batch reopens it. */
  reopen: boolean;
  /**
   * A re-drive is running, verifying or done and this batch holds failures from after it started: they are
   * re-failures (the circuit breaker's input). A backlogged failure from before the start is not.
   */
  counting: boolean;
  /** The batch's latest event is later than the stored last seen (or there is none yet). */
  advanceLastSeen: boolean;
  /** The batch's earliest event is earlier than the stored first seen. */
  moveFirstSeenBack: boolean;
}

export interface RecordInput {
  incidentId: string;
  signature: string;
  sourceBucket: string;
  ruleId: string;
  destinationBucket: string;
  diagnosisJson: string;
  /** Failure events in the batch, duplicates included. */
  events: number;
  reasons: string[];
  firstSeen: string;
  lastSeen: string;
  /** Slot → sample, used only when the incident has no samples yet. */
  samples: Record<string, NativeAttributeValue>;
  now: string;
}

/** What a writer assumes before it has read anything: a new or open incident, no re-drive, a later batch. */
export function guessVariant(counting: boolean): RecordVariant {
  return { reopen: false, counting, advanceLastSeen: true, moveFirstSeenBack: false };
}

export function variantFor(
  item: Record<string, unknown> | undefined,
  input: Pick<RecordInput, 'firstSeen' | 'lastSeen'>,
): RecordVariant {
  const redrive = item?.redrive as { state?: unknown; startedAt?: unknown } | undefined;
  const lastSeen = item?.lastSeen;
  const firstSeen = item?.firstSeen;
  const reopen = item?.status === 'resolved';
  const startedBefore = typeof redrive?.startedAt !== 'string' || redrive.startedAt <= input.lastSeen;
  return {
    reopen,
    // A reopened incident starts over: its old re-drive is cleared, so nothing counts against it.
    counting: !reopen && startedBefore && REFAIL_COUNTING_STATES.some((state) => state === redrive?.state),
    advanceLastSeen: typeof lastSeen !== 'string' || lastSeen < input.lastSeen,
    moveFirstSeenBack: typeof firstSeen === 'string' && firstSeen > input.firstSeen,
  };
}

/** The UpdateItem parts (expression, condition, placeholders) of one variant. */
export function recordUpdate(variant: RecordVariant, input: RecordInput): UpdateParts {
  const u = new UpdateClauses();
  const pk = u.path('pk');
  const status = u.path('status');
  const redriveState = u.path('redrive.state');
  const lastSeen = u.path('lastSeen');
  const firstSeen = u.path('firstSeen');
  const last = u.value(input.lastSeen);
  const first = u.value(input.firstSeen);
  const countingStates = REFAIL_COUNTING_STATES.map((state) => u.value(state)).join(', ');

  u.set('kind', INCIDENT_KIND)
    .setIfAbsent('incidentId', input.incidentId)
    .setIfAbsent('signature', input.signature)
    .setIfAbsent('sourceBucket', input.sourceBucket)
    .setIfAbsent('ruleId', input.ruleId)
    .setIfAbsent('destinationBucket', input.destinationBucket)
    .setIfAbsent('diagnosis', input.diagnosisJson)
    .setIfAbsent('openedAt', input.now)
    .setIfAbsent('samples', input.samples)
    .set('status', 'open')
    .set('gsi1pk', OPEN_INDEX_KEY)
    .set('gsi1sk', input.incidentId)
    .add('count', input.events);
  if (input.reasons.length > 0) u.add('failureReasons', new Set(input.reasons));

  const startedAt = u.path('redrive.startedAt');
  if (variant.reopen) {
    // The cause is back after a resolution: a new episode, re-driven afresh (a tripped breaker re-arms too).
    u.when(`${status} = ${u.value('resolved')}`)
      .set('reopenedAt', input.now)
      .add('reopenCount', 1)
      .set('refailedSinceRedrive', 0)
      .remove('resolvedAt', 'expiresAt', 'redrive');
  } else {
    u.when(`(attribute_not_exists(${pk}) OR ${status} = ${u.value('open')})`).setIfAbsent('reopenCount', 0);
    if (variant.counting) {
      u.when(`${redriveState} IN (${countingStates})`)
        .when(`(attribute_not_exists(${startedAt}) OR ${startedAt} <= ${last})`)
        .add('refailedSinceRedrive', input.events);
    } else {
      u.when(
        `(attribute_not_exists(${redriveState}) OR NOT (${redriveState} IN (${countingStates})) OR ${startedAt} > ${last})`,
      ).setIfAbsent('refailedSinceRedrive', 0);
    }
  }

  if (variant.advanceLastSeen) {
    u.when(`(attribute_not_exists(${lastSeen}) OR ${lastSeen} < ${last})`).assign(`${lastSeen} = ${last}`);
  } else {
    u.when(`${lastSeen} >= ${last}`);
  }

  if (variant.moveFirstSeenBack) {
    u.when(`${firstSeen} > ${first}`).assign(`${firstSeen} = ${first}`);
  } else {
    u.when(`(attribute_not_exists(${firstSeen}) OR ${firstSeen} <= ${first})`).assign(
      `${firstSeen} = if_not_exists(${firstSeen}, ${first})`,
    );
  }
  return u.build();
}
