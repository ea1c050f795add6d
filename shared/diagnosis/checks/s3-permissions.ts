/** What the S3 permission checks share: the scope of an evaluation and the setting their causes describe. */
import type { DiagnosisContext } from '../context.js';
import type { PermissionScope } from '../fixes.js';
import { type PermissionFailure, type PermissionSetting, permissionCauses } from '../permission-causes.js';
import type { Side } from '../reads.js';
import { featureActions, targetOf } from '../required-actions.js';
import { describePolicies } from '../role-state.js';
import { type PolicyState, type S3Access, type S3Evaluation, sideOf } from '../s3-access.js';
import type { Cause } from '../types.js';

export function scopeOf(evaluation: S3Evaluation): Extract<PermissionScope, { kind: 's3' }> {
  return {
    kind: 's3',
    side: evaluation.side,
    bucket: evaluation.bucket,
    pattern: evaluation.pattern,
    bucketLevel: evaluation.need.target === 'source-bucket',
  };
}

/** What a bucket policy should grant the role on a side (sorted): every implicated action there, plus the rule's. */
function grantActions(access: Extract<S3Access, { status: 'ok' }>, side: Side): string[] {
  const implicated = access.requirements
    .filter((need) => sideOf(need.target) === side)
    .map((need) => need.action);
  if (side === 'source') return [...new Set(implicated)].sort();
  // The destination grant of the replication guides (reference §4.3): everything the rule's features need
  // there, and ReplicateTags, which costs nothing and keeps tag replication working.
  const byFeature = featureActions(access.features)
    .map((need) => need.action)
    .filter((action) => targetOf(action) === 'destination-object');
  return [...new Set([...implicated, ...byFeature, 's3:ReplicateTags'])].sort();
}

const hasPolicy = (state: PolicyState): boolean | undefined =>
  state.status === 'ok' ? state.policy !== undefined : undefined;

export function permissionSetting(
  ctx: DiagnosisContext,
  access: Extract<S3Access, { status: 'ok' }>,
): PermissionSetting {
  const { roles, rule, destination } = access;
  return {
    role: { roleArn: rule.roleArn, roleName: rule.roleName, roleAccount: rule.roleAccount },
    identityPolicies: roles.status === 'ok' ? describePolicies(roles.identityPolicies) : 'unreadable',
    ...(roles.status === 'ok' && roles.role.PermissionsBoundaryArn
      ? { boundaryArn: roles.role.PermissionsBoundaryArn }
      : {}),
    bucket: {
      source: {
        account: rule.roleAccount,
        grantActions: grantActions(access, 'source'),
        ...optional('hasPolicy', hasPolicy(access.sourcePolicy)),
      },
      destination: {
        ...(destination.assumed ? {} : { account: destination.account }),
        grantActions: grantActions(access, 'destination'),
        ...optional('hasPolicy', hasPolicy(access.destinationPolicy)),
      },
    },
    concreteResources: ctx.plan.scope === 'object',
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

export function s3PermissionCauses(
  ctx: DiagnosisContext,
  access: Extract<S3Access, { status: 'ok' }>,
  failures: PermissionFailure[],
): Cause[] {
  return permissionCauses(failures, permissionSetting(ctx, access));
}
