/**
 * When every readable policy allows and S3 was still refused, an SCP or RCP is what remains; neither can
 * be read from a member account, so the diagnosis names the actions to look for and where.
 */
import { type CheckResult, checkResult } from '../check-names.js';
import { type DiagnosisContext, deniedWhy } from '../context.js';
import { destinationKeyTarget, sourceKeyTarget } from '../kms-target.js';
import { s3Access } from '../s3-access.js';
import { cli } from '../shell.js';

async function implicatedActions(
  ctx: DiagnosisContext,
): Promise<{ actions: string[]; roleArn?: string; accounts: string[] }> {
  const { checks } = ctx.plan;
  const actions = new Set<string>();
  const accounts = new Set<string>();
  let roleArn: string | undefined;
  if (checks.includes('replication-role-policy')) {
    const access = await s3Access(ctx);
    if (access.status === 'ok') {
      roleArn = access.rule.roleArn;
      accounts.add(access.rule.roleAccount);
      accounts.add(access.destination.account);
      for (const need of access.requirements) if (!need.denyOnly) actions.add(need.action);
    }
  }
  if (checks.includes('source-kms-key') && (await sourceKeyTarget(ctx)).status === 'key')
    actions.add('kms:Decrypt');
  if (checks.includes('destination-kms-key')) {
    const target = await destinationKeyTarget(ctx);
    if (target.status === 'key') {
      actions.add('kms:Encrypt');
      actions.add('kms:GenerateDataKey');
      if (target.bucketKey) actions.add('kms:Decrypt');
    }
  }
  return {
    actions: [...actions].sort(),
    ...(roleArn ? { roleArn } : {}),
    accounts: [...accounts].filter(Boolean),
  };
}

/** Runs after every other check of a permission plan; `earlier` are their results. */
export async function checkOrganization(
  ctx: DiagnosisContext,
  earlier: readonly CheckResult[],
): Promise<CheckResult> {
  const check = 'organization';
  const settled = earlier.every((result) => result.causes.length === 0 && !result.inconclusive?.length);
  if (!settled) return checkResult(check);
  const organization = await ctx.organization();
  switch (organization.status) {
    case 'not-found':
      return checkResult(check);
    case 'denied':
      return checkResult(
        check,
        [],
        [{ why: deniedWhy('organizations:DescribeOrganization', 'the account', organization) }],
      );
    case 'ok':
      break;
    default: {
      const unhandled: never = organization;
      throw new TypeError(`unhandled read ${JSON.stringify(unhandled)}`);
    }
  }
  const { actions, roleArn, accounts } = await implicatedActions(ctx);
  const orgId = organization.value.Id;
  const listed = actions.length > 0 ? actions.join(', ') : 'the replication actions';
  return checkResult(check, [
    {
      location: 'organization-policy',
      problem: 'organization-policy-suspected',
      missingActions: actions,
      ...(roleArn ? { principal: roleArn } : {}),
      summary: `Every policy the diagnoser can read allows ${listed}, yet S3 was refused. The account is in the organization ${orgId}, so a service control policy (SCP) on the account or a resource control policy (RCP) on the bucket or key is the remaining explanation.`,
      fix: {
        summary: `From the organization's management account, review the SCPs and RCPs that apply to ${accounts.length > 0 ? `account ${accounts.join(' and ')}` : 'the accounts involved'} for a Deny on ${listed} (or an allow-list that leaves them out), and exempt the replication role.`,
        commands: accounts.flatMap((account) => [
          cli(
            'aws organizations list-policies-for-target',
            ['--target-id', account],
            ['--filter', 'SERVICE_CONTROL_POLICY'],
          ),
          cli(
            'aws organizations list-policies-for-target',
            ['--target-id', account],
            ['--filter', 'RESOURCE_CONTROL_POLICY'],
          ),
        ]),
      },
      evidence: [`organizations:DescribeOrganization: ${orgId}`, 'every check of this failure passed'],
    },
  ]);
}
