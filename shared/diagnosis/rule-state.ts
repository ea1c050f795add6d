/** The replication configuration and the event's rule, as every later check needs them. */
import { accountOf, roleNameFromArn } from './arns.js';
import { type DiagnosisContext, deniedWhy } from './context.js';
import type { ReplicationConfiguration, ReplicationRule } from './reads.js';
import { findRule } from './rule-features.js';

export interface RoleRef {
  roleArn: string;
  roleName: string;
  /** The role's account: the source account (the principal of every replication request). */
  roleAccount: string;
}

export type RuleState =
  | ({ status: 'ok'; config: ReplicationConfiguration; rule?: ReplicationRule } & RoleRef)
  /** No configuration to read a role from; the replication-configuration check reports why. */
  | { status: 'absent'; why: string }
  | { status: 'unreadable'; why: string };

export function ruleState(ctx: DiagnosisContext): Promise<RuleState> {
  return ctx.derive('rule', async (): Promise<RuleState> => {
    const read = await ctx.replication();
    switch (read.status) {
      case 'denied':
        return {
          status: 'unreadable',
          why: deniedWhy('s3:GetReplicationConfiguration', ctx.sourceBucket, read),
        };
      case 'not-found':
        return { status: 'absent', why: `the source bucket ${ctx.sourceBucket} does not exist` };
      case 'ok': {
        const config = read.value;
        if (config === null) {
          return { status: 'absent', why: `${ctx.sourceBucket} has no replication configuration` };
        }
        const roleArn = config.Role;
        const rule = findRule(config, ctx.failure.ruleId);
        return {
          status: 'ok',
          config,
          ...(rule ? { rule } : {}),
          roleArn,
          roleName: roleNameFromArn(roleArn),
          roleAccount: accountOf(roleArn) ?? '',
        };
      }
      default: {
        const unhandled: never = read;
        throw new TypeError(`unhandled read ${JSON.stringify(unhandled)}`);
      }
    }
  });
}

/** The destination's account: the rule's `Destination.Account`, else assumed to be the role's own. */
export interface DestinationAccount {
  account: string;
  /** True when the rule names no account and the same account was assumed. */
  assumed: boolean;
  crossAccount: boolean;
}

export function destinationAccount(state: Extract<RuleState, { status: 'ok' }>): DestinationAccount {
  const named = state.rule?.Destination.Account;
  if (named) return { account: named, assumed: false, crossAccount: named !== state.roleAccount };
  return { account: state.roleAccount, assumed: true, crossAccount: false };
}
