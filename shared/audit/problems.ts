/**
 * The distinct problems of an audit, each with a stable signature: the count the CLI exits on, the lines
 * the text report prints, and what the scheduled audit compares run to run.
 */
import type { Cause } from '../diagnosis/types.js';
import type { AuditReport, BucketAudit, Gap, ProbeKind, RuleAudit } from './types.js';

export type AuditProblem =
  | {
      kind: 'cause';
      signature: string;
      bucket: string;
      ruleId: string;
      destinationBucket: string;
      cause: Cause;
      probes: ProbeKind[];
      line: string;
    }
  | {
      kind: 'gap';
      signature: string;
      bucket: string;
      ruleId: string;
      destinationBucket: string;
      gap: Gap;
      line: string;
    }
  | { kind: 'bucket'; signature: string; bucket: string; status: BucketAudit['status']; line: string };

/** A cause seen by several probes (the role, a bucket policy) is one problem, listed with every probe it stops. */
export function ruleCauses(rule: RuleAudit): { cause: Cause; probes: ProbeKind[] }[] {
  const found = new Map<string, { cause: Cause; probes: ProbeKind[] }>();
  for (const { probe, diagnosis } of rule.probes) {
    for (const cause of diagnosis.causes) {
      const key = causeKey(cause);
      const known = found.get(key);
      if (known) known.probes.push(probe);
      else found.set(key, { cause, probes: [probe] });
    }
  }
  return [...found.values()];
}

function causeKey(cause: Cause): string {
  return JSON.stringify([cause.location, cause.problem, cause.resource ?? null, cause.missingActions]);
}

/** The gap a problem signature names (see {@link ruleProblems}), or `undefined` for any other problem. */
export function gapOfSignature(signature: string): string | undefined {
  try {
    const parts: unknown = JSON.parse(signature);
    return Array.isArray(parts) && parts[2] === 'gap' && typeof parts[3] === 'string' ? parts[3] : undefined;
  } catch {
    return undefined;
  }
}

export function ruleProblems(bucket: string, rule: RuleAudit): AuditProblem[] {
  const { ruleId, destinationBucket } = rule;
  const route = `${bucket} → ${destinationBucket}, rule ${ruleId}`;
  return [
    ...ruleCauses(rule).map(
      ({ cause, probes }): AuditProblem => ({
        kind: 'cause',
        signature: JSON.stringify([bucket, ruleId, 'cause', causeKey(cause)]),
        bucket,
        ruleId,
        destinationBucket,
        cause,
        probes,
        line: `${route}: ${cause.location} / ${cause.problem}${cause.missingActions.length > 0 ? ` (${cause.missingActions.join(', ')})` : ''}`,
      }),
    ),
    ...rule.gaps.map(
      (gap): AuditProblem => ({
        kind: 'gap',
        signature: JSON.stringify([bucket, ruleId, 'gap', gap.gap]),
        bucket,
        ruleId,
        destinationBucket,
        gap,
        line: `${route}: ${gap.gap}`,
      }),
    ),
  ];
}

/** A named bucket that cannot replicate at all is a problem; one the account merely has is not audited. */
export function bucketProblem(bucket: BucketAudit, scope: AuditReport['scope']): AuditProblem | undefined {
  if (scope !== 'named' || (bucket.status !== 'not-replicated' && bucket.status !== 'not-found'))
    return undefined;
  return {
    kind: 'bucket',
    signature: JSON.stringify([bucket.bucket, null, 'bucket', bucket.status]),
    bucket: bucket.bucket,
    status: bucket.status,
    line: `${bucket.bucket}: ${bucket.why ?? bucket.status}`,
  };
}

export function auditProblems(report: Pick<AuditReport, 'buckets' | 'scope'>): AuditProblem[] {
  return report.buckets.flatMap((bucket) => {
    const own = bucketProblem(bucket, report.scope);
    return [...(own ? [own] : []), ...bucket.rules.flatMap((rule) => ruleProblems(bucket.bucket, rule))];
  });
}
