/**
 * One failure → one diagnosis: pick the plan, run its checks concurrently over one set of facts, then
 * order the causes and decide the verdict. A `TransientReadError` from a read propagates untouched: the
 * record is retried from its queue, never turned into a verdict.
 */
import type { ReplicationFailure } from '../events/types.js';
import { batchOnlyCause } from './batch-only.js';
import type { CheckName, CheckResult } from './check-names.js';
import { checkDestinationBucketPolicy, checkSourceBucketPolicy } from './checks/bucket-policies.js';
import { checkDestinationBucket } from './checks/destination-bucket.js';
import { checkDestinationKmsKey, checkSourceKmsKey } from './checks/kms-keys.js';
import { checkObject } from './checks/object.js';
import { checkOrganization } from './checks/organization.js';
import { checkReplicationConfiguration } from './checks/replication-configuration.js';
import { checkReplicationRole } from './checks/replication-role.js';
import { checkReplicationRolePolicy } from './checks/replication-role-policy.js';
import { checkSourceVersioning } from './checks/source-versioning.js';
import { DiagnosisContext, deniedWhy } from './context.js';
import { type CheckPlan, escalatedPlan, planFor } from './plans.js';
import type { DiagnosisReads } from './reads.js';
import { ruleState } from './rule-state.js';
import type { Action, Cause, Diagnosis, DiagnosisFailure, Inconclusive, Verdict } from './types.js';
import { decide, dedupeCauses, orderCauses } from './verdict.js';

type Runner = (ctx: DiagnosisContext) => Promise<CheckResult>;

const RUNNERS: Record<Exclude<CheckName, 'organization'>, Runner> = {
  'replication-configuration': checkReplicationConfiguration,
  'source-versioning': checkSourceVersioning,
  'replication-role': checkReplicationRole,
  'replication-role-policy': checkReplicationRolePolicy,
  'source-bucket-policy': checkSourceBucketPolicy,
  'destination-bucket': checkDestinationBucket,
  'destination-bucket-policy': checkDestinationBucketPolicy,
  'source-kms-key': checkSourceKmsKey,
  'destination-kms-key': checkDestinationKmsKey,
  object: checkObject,
};

export function diagnosisFailure(failure: ReplicationFailure): DiagnosisFailure {
  return {
    eventName: failure.eventName,
    sourceBucket: failure.sourceBucket,
    key: failure.key,
    ...(failure.versionId !== undefined ? { versionId: failure.versionId } : {}),
    ruleId: failure.ruleId,
    destinationBucket: failure.destinationBucket,
    ...(failure.failureReason !== undefined ? { failureReason: failure.failureReason } : {}),
  };
}

function inconclusiveOf(results: readonly CheckResult[]): Inconclusive[] {
  return results.flatMap((result) => {
    const unverified = result.inconclusive ?? [];
    if (unverified.length === 0) return [];
    const fix = unverified.find((entry) => entry.fix)?.fix;
    return [
      { check: result.check, why: unverified.map((entry) => entry.why).join('; '), ...(fix ? { fix } : {}) },
    ];
  });
}

function assemble(
  ctx: DiagnosisContext,
  results: readonly CheckResult[],
  extra: { causes?: Cause[]; notes?: string[]; outcome?: { verdict: Verdict; action: Action } } = {},
): Diagnosis {
  const causes = orderCauses(
    dedupeCauses([...(extra.causes ?? []), ...results.flatMap((result) => result.causes)]),
    ctx.plan.primary,
  );
  const inconclusive = inconclusiveOf(results);
  const notes = [...(extra.notes ?? []), ...results.flatMap((result) => result.notes ?? [])];
  const { verdict, action } = extra.outcome ?? decide(causes, inconclusive);
  return {
    failure: diagnosisFailure(ctx.failure),
    verdict,
    causes,
    inconclusive,
    action,
    checks: results.map((result) => result.check),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

async function runChecks(ctx: DiagnosisContext): Promise<CheckResult[]> {
  const names = ctx.plan.checks.filter(
    (name): name is Exclude<CheckName, 'organization'> => name !== 'organization',
  );
  const organization = ctx.plan.checks.includes('organization');
  // Whether the organization matters is known only when every other check has passed; asked for then, it
  // would cost a round of its own. One cheap call, shared by a whole batch through the reads cache.
  if (organization) void ctx.organization();
  const results = await Promise.all(names.map((name) => RUNNERS[name](ctx)));
  if (organization) results.push(await checkOrganization(ctx, results));
  return results;
}

const IGNORE = { verdict: 'no-action-needed', action: 'ignore' } as const;

/** Threshold events and `SrcReplicationNotPending`: benign unless the object's replication FAILED. */
async function diagnoseStatusGated(ctx: DiagnosisContext): Promise<Diagnosis> {
  const { failure } = ctx;
  const head = await ctx.head();
  const notPending = failure.failureReason === 'SrcReplicationNotPending';
  if (head.status === 'denied') {
    const result: CheckResult = {
      check: 'object',
      causes: [],
      inconclusive: [{ why: deniedWhy('s3:GetObject (HeadObject)', failure.key, head) }],
    };
    // S3 itself said nothing is pending; only a threshold event leaves the outcome open.
    return assemble(ctx, [result], notPending ? { outcome: IGNORE } : {});
  }
  if (head.status === 'not-found') {
    return assemble(ctx, [{ check: 'object', causes: [] }], {
      outcome: IGNORE,
      notes: ['The object version no longer exists; there is nothing left to replicate.'],
    });
  }
  const status = head.value.ReplicationStatus;
  if (status === 'FAILED') {
    const escalated = ctx.withPlan(escalatedPlan(ctx.plan));
    return assemble(escalated, await runChecks(escalated), {
      notes: ['HeadObject says the replication FAILED, so every check ran.'],
    });
  }
  const note =
    status === 'COMPLETED' || status === 'COMPLETE'
      ? `The object has replicated (ReplicationStatus ${status}).`
      : notPending
        ? `S3 reports the object is no longer pending (ReplicationStatus ${status ?? 'none'}); nothing to do.`
        : `The object is still pending replication (ReplicationStatus ${status ?? 'none'}); S3 keeps trying, and a failure would be reported as such.`;
  return assemble(ctx, [{ check: 'object', causes: [] }], { outcome: IGNORE, notes: [note] });
}

export async function diagnoseWithPlan(
  failure: ReplicationFailure,
  plan: CheckPlan,
  reads: DiagnosisReads,
): Promise<Diagnosis> {
  const ctx = new DiagnosisContext(failure, plan, reads);
  switch (plan.kind) {
    case 'benign':
      return assemble(ctx, [], {
        outcome: IGNORE,
        notes: ['The object replicated, only later than the replication time threshold; nothing to fix.'],
      });
    case 'status-gated':
      return diagnoseStatusGated(ctx);
    case 'batch-only': {
      const [results, rule] = await Promise.all([runChecks(ctx), ruleState(ctx)]);
      const account = rule.status === 'ok' ? rule.roleAccount : undefined;
      return assemble(ctx, results, { causes: [batchOnlyCause(failure, account)] });
    }
    case 'checks':
      return assemble(ctx, await runChecks(ctx));
    default: {
      const unknown: never = plan.kind;
      throw new TypeError(`unknown plan kind ${String(unknown)}`);
    }
  }
}

export function diagnose(failure: ReplicationFailure, reads: DiagnosisReads): Promise<Diagnosis> {
  return diagnoseWithPlan(failure, planFor(failure.failureReason, failure.eventName), reads);
}
