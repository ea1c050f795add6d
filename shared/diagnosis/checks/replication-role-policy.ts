/**
 * The role's identity policies and permissions boundary allow every implicated S3 action on the concrete
 * resources. The bucket policies' part of the same evaluations belongs to the bucket policy checks.
 */
import { type CheckResult, checkResult, type Unverified } from '../check-names.js';
import type { DiagnosisContext } from '../context.js';
import { failuresOf } from '../permission-causes.js';
import { s3Access } from '../s3-access.js';
import { roleNotFound } from './replication-role.js';
import { s3PermissionCauses, scopeOf } from './s3-permissions.js';

export async function checkReplicationRolePolicy(ctx: DiagnosisContext): Promise<CheckResult> {
  const check = 'replication-role-policy';
  const access = await s3Access(ctx);
  if (access.status === 'unreadable')
    return checkResult(check, [], [{ why: `the role is unknown: ${access.why}` }]);
  if (access.status === 'absent') return checkResult(check);
  const { roles } = access;
  switch (roles.status) {
    case 'absent':
      return checkResult(check);
    case 'unreadable':
      return checkResult(check, [], [{ why: roles.why }], access.notes);
    case 'role-not-found':
      return checkResult(check, [roleNotFound(roles, ctx.sourceBucket)]);
    case 'ok':
      break;
    default: {
      const unhandled: never = roles;
      throw new TypeError(`unhandled role state ${JSON.stringify(unhandled)}`);
    }
  }
  const failures = access.evaluations.flatMap((evaluation) =>
    failuresOf(
      evaluation.result,
      evaluation.request,
      scopeOf(evaluation),
      ['identity', 'boundary'],
      evaluation.need.denyOnly,
    ),
  );
  const unverified: Unverified[] = roles.boundaryUnreadable ? [{ why: roles.boundaryUnreadable }] : [];
  return checkResult(check, s3PermissionCauses(ctx, access, failures), unverified, access.notes);
}
