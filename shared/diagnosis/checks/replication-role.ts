/** The role exists and its trust policy lets `s3.amazonaws.com` assume it. */
import { trustAllowsService } from '../../policy/index.js';
import { type CheckResult, checkResult } from '../check-names.js';
import { type DiagnosisContext, deniedWhy } from '../context.js';
import { roleNotFoundFix, trustFix } from '../fixes.js';
import { type RoleRef, ruleState } from '../rule-state.js';
import type { Cause } from '../types.js';

export function roleNotFound(role: RoleRef, sourceBucket: string): Cause {
  return {
    location: 'replication-role',
    problem: 'role-not-found',
    missingActions: [],
    principal: role.roleArn,
    resource: role.roleArn,
    summary: `The replication role ${role.roleArn} named in the replication configuration of ${sourceBucket} does not exist.`,
    fix: roleNotFoundFix(role, sourceBucket),
  };
}

export async function checkReplicationRole(ctx: DiagnosisContext): Promise<CheckResult> {
  const check = 'replication-role';
  const rule = await ruleState(ctx);
  if (rule.status === 'unreadable')
    return checkResult(check, [], [{ why: `the role is unknown: ${rule.why}` }]);
  if (rule.status === 'absent') return checkResult(check);
  const role: RoleRef = { roleArn: rule.roleArn, roleName: rule.roleName, roleAccount: rule.roleAccount };
  const read = await ctx.role(role.roleName);
  switch (read.status) {
    case 'not-found':
      return checkResult(check, [roleNotFound(role, ctx.sourceBucket)]);
    case 'denied':
      return checkResult(check, [], [{ why: deniedWhy('iam:GetRole', role.roleName, read) }]);
    case 'ok':
      break;
    default: {
      const unhandled: never = read;
      throw new TypeError(`unhandled read ${JSON.stringify(unhandled)}`);
    }
  }
  const trust = read.value.AssumeRolePolicyDocument;
  if (!trust)
    return checkResult(check, [], [{ why: `iam:GetRole on ${role.roleName} gave no trust policy` }]);
  const result = trustAllowsService(trust);
  const notes = result.unverified.map(
    (ref) =>
      `trust policy statement ${ref.sid ? `"${ref.sid}"` : ref.index} has conditions S3's AssumeRole context is not visible for; assumed to ${ref.statement.Effect === 'Allow' ? 'hold' : 'not apply'}`,
  );
  if (result.allowed) return checkResult(check, [], [], notes);
  const evidence = [`trust policy of ${role.roleName} read`];
  if (result.denying) {
    evidence.push(
      `trust policy statement ${result.denying.sid ? `"${result.denying.sid}" ` : ''}(index ${result.denying.index}) denies sts:AssumeRole to s3.amazonaws.com`,
    );
  } else evidence.push('no trust policy statement allows sts:AssumeRole to s3.amazonaws.com');
  return checkResult(
    check,
    [
      {
        location: 'replication-role',
        problem: 'trust-policy-does-not-allow-s3',
        missingActions: [],
        principal: 's3.amazonaws.com',
        resource: role.roleArn,
        summary: `The trust policy of ${role.roleName} does not let s3.amazonaws.com assume it (sts:AssumeRole), so S3 cannot replicate with it.`,
        fix: trustFix(role),
        evidence,
      },
    ],
    [],
    notes,
  );
}
