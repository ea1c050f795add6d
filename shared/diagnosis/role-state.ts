/** The replication role and every policy that limits it: inline, attached, and the permissions boundary. */
import type { NamedPolicy } from '../policy/types.js';
import { type DiagnosisContext, deniedWhy } from './context.js';
import type { Role } from './reads.js';
import { type RoleRef, ruleState } from './rule-state.js';

export type RolePolicies =
  | ({
      status: 'ok';
      role: Role;
      identityPolicies: NamedPolicy[];
      boundary?: NamedPolicy;
      /** Set when the role names a boundary the diagnoser could not read. */
      boundaryUnreadable?: string;
    } & RoleRef)
  | ({ status: 'role-not-found' } & RoleRef)
  | { status: 'unreadable'; why: string }
  /** No configuration, so no role to evaluate (the configuration check reports it). */
  | { status: 'absent' };

export function rolePolicies(ctx: DiagnosisContext): Promise<RolePolicies> {
  return ctx.derive('role-policies', async (): Promise<RolePolicies> => {
    const rule = await ruleState(ctx);
    if (rule.status === 'absent') return { status: 'absent' };
    if (rule.status === 'unreadable') return { status: 'unreadable', why: rule.why };
    const ref: RoleRef = { roleArn: rule.roleArn, roleName: rule.roleName, roleAccount: rule.roleAccount };
    const roleRead = ctx.role(ref.roleName);
    // The boundary needs only the role: read it beside the policies, not after them.
    const boundaryRead = roleRead.then((read) =>
      read.status === 'ok' && read.value.PermissionsBoundaryArn
        ? ctx.managedPolicy(read.value.PermissionsBoundaryArn)
        : undefined,
    );
    const [role, inline, attached, boundary] = await Promise.all([
      roleRead,
      ctx.inlinePolicies(ref.roleName),
      ctx.attachedPolicies(ref.roleName),
      boundaryRead,
    ]);
    if (role.status === 'not-found' || inline.status === 'not-found' || attached.status === 'not-found') {
      return { status: 'role-not-found', ...ref };
    }
    if (role.status === 'denied')
      return { status: 'unreadable', why: deniedWhy('iam:GetRole', ref.roleName, role) };
    if (inline.status === 'denied') {
      return {
        status: 'unreadable',
        why: deniedWhy('iam:GetRolePolicy', `the inline policies of ${ref.roleName}`, inline),
      };
    }
    if (attached.status === 'denied') {
      return {
        status: 'unreadable',
        why: deniedWhy('iam:GetPolicyVersion', `the attached policies of ${ref.roleName}`, attached),
      };
    }
    const identityPolicies = [...inline.value, ...attached.value];
    const boundaryArn = role.value.PermissionsBoundaryArn;
    if (!boundaryArn || !boundary) return { status: 'ok', ...ref, role: role.value, identityPolicies };
    switch (boundary.status) {
      case 'ok':
        return {
          status: 'ok',
          ...ref,
          role: role.value,
          identityPolicies,
          boundary: { ...boundary.value, kind: 'boundary' },
        };
      case 'not-found':
        // A boundary that no longer exists limits nothing we can evaluate; say so rather than guess.
        return {
          status: 'ok',
          ...ref,
          role: role.value,
          identityPolicies,
          boundaryUnreadable: `the permissions boundary ${boundaryArn} of ${ref.roleName} was not found`,
        };
      case 'denied':
        return {
          status: 'ok',
          ...ref,
          role: role.value,
          identityPolicies,
          boundaryUnreadable: deniedWhy(
            'iam:GetPolicyVersion',
            `the permissions boundary ${boundaryArn}`,
            boundary,
          ),
        };
      default: {
        const unhandled: never = boundary;
        throw new TypeError(`unhandled read ${JSON.stringify(unhandled)}`);
      }
    }
  });
}

export function describePolicies(policies: readonly NamedPolicy[]): string {
  if (policies.length === 0) return 'none';
  return policies.map((policy) => `${policy.kind} ${policy.name}`).join(', ');
}
