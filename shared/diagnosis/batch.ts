/**
 * Many failures at once, as a storm delivers them. Failures that share (source bucket, rule, destination,
 * failure reason, event name) form a group and share a plan.
 * - Rule-scoped plan: one representative is diagnosed and every member gets its causes (with its own
 *   `failure` block), so 10,000 failures of one missing permission cost the reads of one diagnosis.
 * - Object-scoped plan: the first object is diagnosed. When every cause it finds sits in the rule's role,
 *   policies, bucket settings or organization, that cause stops every object of the group alike, so the
 *   diagnosis is shared too. Otherwise (a cause in an object or a KMS key, which differ per object, or no
 *   cause) each distinct object version is diagnosed; the reads cache makes the shared reads cost once.
 * A `TransientReadError` fails only the records of the unit it hit.
 */
import type { ReplicationFailure } from '../events/types.js';
import { runPool } from '../run-pool.js';
import { diagnoseWithPlan, diagnosisFailure } from './diagnose.js';
import { type CheckPlan, planFor } from './plans.js';
import { type DiagnosisReads, TransientReadError } from './reads.js';
import { isRuleLevel } from './rule-level.js';
import type { Diagnosis } from './types.js';

export type BatchResult =
  | { failure: ReplicationFailure; diagnosis: Diagnosis }
  | { failure: ReplicationFailure; error: TransientReadError };

export interface BatchOptions {
  /** Diagnoses in flight at once. Default 8. */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 8;

interface Unit {
  plan: CheckPlan;
  /** Indexes into the input; the first is diagnosed. */
  members: number[];
}

interface Group {
  units: Unit[];
}

export function groupKey(failure: ReplicationFailure): string {
  return JSON.stringify([
    failure.sourceBucket,
    failure.ruleId,
    failure.destinationBucket,
    failure.failureReason ?? null,
    failure.eventName,
  ]);
}

function groupsOf(failures: readonly ReplicationFailure[]): Group[] {
  const groups = new Map<string, { group: Group; units: Map<string, Unit> }>();
  failures.forEach((failure, index) => {
    const key = groupKey(failure);
    const plan = planFor(failure.failureReason, failure.eventName);
    let entry = groups.get(key);
    if (!entry) {
      entry = { group: { units: [] }, units: new Map() };
      groups.set(key, entry);
    }
    // Object-scoped plans read the object: the same version delivered twice (at-least-once) is read once.
    const unitKey = plan.scope === 'rule' ? '' : JSON.stringify([failure.key, failure.versionId ?? null]);
    const unit = entry.units.get(unitKey);
    if (unit) unit.members.push(index);
    else {
      const created = { plan, members: [index] };
      entry.units.set(unitKey, created);
      entry.group.units.push(created);
    }
  });
  return [...groups.values()].map((entry) => entry.group);
}

export async function diagnoseBatch(
  failures: ReplicationFailure[],
  reads: DiagnosisReads,
  options: BatchOptions = {},
): Promise<BatchResult[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const results: BatchResult[] = new Array(failures.length);

  const assign = (
    members: readonly number[],
    diagnosis: Diagnosis,
    diagnosedIndex: number,
    note?: string,
  ) => {
    for (const index of members) {
      const failure = failures[index] as ReplicationFailure;
      if (index === diagnosedIndex) {
        results[index] = { failure, diagnosis };
        continue;
      }
      const notes = note ? [...(diagnosis.notes ?? []), note] : diagnosis.notes;
      results[index] = {
        failure,
        diagnosis: { ...diagnosis, failure: diagnosisFailure(failure), ...(notes ? { notes } : {}) },
      };
    }
  };

  const diagnoseUnit = async (unit: Unit): Promise<Diagnosis | undefined> => {
    const first = unit.members[0] as number;
    try {
      const diagnosis = await diagnoseWithPlan(failures[first] as ReplicationFailure, unit.plan, reads);
      assign(unit.members, diagnosis, first);
      return diagnosis;
    } catch (error) {
      if (!(error instanceof TransientReadError)) throw error;
      for (const index of unit.members)
        results[index] = { failure: failures[index] as ReplicationFailure, error };
      return undefined;
    }
  };

  // Phase 1: the first unit of every group. Phase 2: the other units of groups whose cause may differ per object.
  const remaining: Unit[] = [];
  await runPool(groupsOf(failures), concurrency, async (group) => {
    const [first, ...rest] = group.units;
    if (!first) return;
    const diagnosis = await diagnoseUnit(first);
    if (rest.length === 0) return;
    if (diagnosis && isRuleLevel(diagnosis)) {
      const representative = failures[first.members[0] as number] as ReplicationFailure;
      const note =
        `Diagnosed once for this rule and failure reason (on ${representative.key}): ` +
        'the cause is in the role, a policy or a bucket setting, so it stops every object alike.';
      for (const unit of rest) assign(unit.members, diagnosis, -1, note);
      return;
    }
    remaining.push(...rest);
  });
  await runPool(remaining, concurrency, async (unit) => {
    await diagnoseUnit(unit);
  });
  return results;
}
