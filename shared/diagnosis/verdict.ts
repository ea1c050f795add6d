/** From causes and unverified checks to the verdict, the action, and the order a reader sees causes in. */
import type { Action, Cause, Inconclusive, Location, Verdict } from './types.js';

/** Most likely first when the failure reason does not say: settings before permissions, SCPs last. */
const DEFAULT_ORDER: readonly Location[] = [
  'object',
  'source-bucket-configuration',
  'replication-role',
  'destination-bucket-configuration',
  'replication-role-policy',
  'replication-role-permissions-boundary',
  'source-bucket-policy',
  'destination-bucket-policy',
  'source-kms-key',
  'destination-kms-key',
  'transient',
  'unknown',
  'organization-policy',
];

/**
 * Nothing left to replicate: the object already replicated, or it is gone. The contract files both under
 * `no-action-needed`; the cause stays listed so a reader sees why.
 */
const BENIGN = (cause: Cause): boolean =>
  cause.problem === 'already-replicated' || cause.problem === 'object-gone';

/** The failure reason's primary locations first, then the default order; ties keep the order found. */
export function orderCauses(causes: readonly Cause[], primary: readonly Location[]): Cause[] {
  const rank = (cause: Cause): number => {
    if (BENIGN(cause)) return -1;
    const first = primary.indexOf(cause.location);
    return first >= 0 ? first : primary.length + DEFAULT_ORDER.indexOf(cause.location);
  };
  return causes
    .map((cause, index) => ({ cause, index, rank: rank(cause) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ cause }) => cause);
}

/**
 * Two checks may establish the same fact (the role is missing; the bucket is gone): one cause per
 * (location, problem, resource, actions), the first one found.
 */
export function dedupeCauses(causes: readonly Cause[]): Cause[] {
  const seen = new Set<string>();
  return causes.filter((cause) => {
    const key = [cause.location, cause.problem, cause.resource ?? '', cause.missingActions.join(',')].join(
      '|',
    );
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function decide(
  causes: readonly Cause[],
  inconclusive: readonly Inconclusive[],
): { verdict: Verdict; action: Action } {
  if (causes.some(BENIGN)) return { verdict: 'no-action-needed', action: 'ignore' };
  if (causes.length > 0) return { verdict: 'root-cause-found', action: 'notify' };
  if (inconclusive.length > 0) return { verdict: 'inconclusive', action: 'notify' };
  return { verdict: 'no-cause-found', action: 'retrigger' };
}
