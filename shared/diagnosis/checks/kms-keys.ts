/**
 * The KMS key of each side: it exists, is enabled, is in the destination's region, is not the AWS
 * managed key across accounts, and (in `access` plans) its key policy, grants and the role's identity
 * policies let the role use it under the conditions S3 sends (`kms:ViaService`, the encryption context).
 */
import { evaluateAccess, kmsRequestContext } from '../../policy/index.js';
import type { NamedPolicy } from '../../policy/types.js';
import { accountOf, bucketArn, objectArn, objectsArn, regionOf } from '../arns.js';
import { type CheckName, type CheckResult, checkResult, type Unverified } from '../check-names.js';
import { type DiagnosisContext, deniedWhy, unreadWhy } from '../context.js';
import { cancelKeyDeletionFix, enableKeyFix, type PermissionScope, replicationConfigFix } from '../fixes.js';
import { destinationKeyTarget, type KeyTarget, sourceKeyTarget } from '../kms-target.js';
import { failuresOf, type Layer, permissionCauses } from '../permission-causes.js';
import type { KeyMetadata } from '../reads.js';
import { describePolicies, type RolePolicies, rolePolicies } from '../role-state.js';
import { destinationAccount, type RoleRef } from '../rule-state.js';
import { cli } from '../shell.js';
import type { Cause, Location } from '../types.js';
import { ineligibleSseKms } from './object.js';
import { roleNotFound } from './replication-role.js';

type Target = Extract<KeyTarget, { status: 'key' }>;

const locationOf = (side: Target['side']): Location =>
  side === 'source' ? 'source-kms-key' : 'destination-kms-key';
const label = (side: Target['side']): string =>
  side === 'source' ? "the source object's KMS key" : 'the replica KMS key';

function keyCause(
  target: Target,
  keyArn: string,
  problem: Cause['problem'],
  summary: string,
  fix: Cause['fix'],
  evidence: string[],
): Cause {
  return {
    location: locationOf(target.side),
    problem,
    missingActions: [],
    resource: keyArn,
    summary,
    fix,
    evidence,
  };
}

function keyNotFound(ctx: DiagnosisContext, target: Target): Cause {
  if (target.side === 'source') {
    return keyCause(
      target,
      target.keyId,
      'key-not-found',
      `${label('source')} ${target.keyId} does not exist: the object can no longer be decrypted, so it cannot be replicated.`,
      {
        summary: `Nothing can read this object without its key; if the key was deleted, the object is lost to replication. Check the key id:`,
        commands: [
          cli('aws kms describe-key', ['--key-id', target.keyId], ...regionOption(target.describeRegion)),
        ],
      },
      [`kms:DescribeKey ${target.keyId}: not found`],
    );
  }
  return keyCause(
    target,
    target.keyId,
    'key-not-found',
    `${label('destination')} ${target.keyId} named by the rule ${ctx.failure.ruleId} does not exist${target.bucketRegion ? ` in ${target.bucketRegion}` : ''}.`,
    replicationConfigFix(
      ctx.sourceBucket,
      `Set ReplicaKmsKeyID of the rule ${ctx.failure.ruleId} to the ARN of an existing symmetric customer managed key in the destination's region${target.bucketRegion ? ` (${target.bucketRegion})` : ''}: the first command saves the configuration to replication.json, the second puts the edited file back.`,
    ),
    [`kms:DescribeKey ${target.keyId}: not found`],
  );
}

function regionOption(region: string | undefined): ['--region', string][] {
  return region ? [['--region', region]] : [];
}

function stateCause(target: Target, metadata: KeyMetadata): Cause | undefined {
  const keyArn = metadata.Arn;
  const state = metadata.KeyState ?? (metadata.Enabled === false ? 'Disabled' : 'Enabled');
  const evidence = [`kms:DescribeKey ${keyArn}: KeyState ${state}`];
  switch (state) {
    case 'Enabled':
      return undefined;
    case 'Disabled':
      return keyCause(
        target,
        keyArn,
        'key-disabled',
        `${label(target.side)} ${keyArn} is disabled.`,
        enableKeyFix(keyArn),
        evidence,
      );
    case 'PendingDeletion':
    case 'PendingReplicaDeletion':
      return keyCause(
        target,
        keyArn,
        'key-pending-deletion',
        `${label(target.side)} ${keyArn} is scheduled for deletion${metadata.DeletionDate ? ` on ${metadata.DeletionDate}` : ''} (${state}).`,
        cancelKeyDeletionFix(keyArn),
        evidence,
      );
    default:
      return keyCause(
        target,
        keyArn,
        'key-disabled',
        `${label(target.side)} ${keyArn} is not usable: its state is ${state}.`,
        {
          summary:
            state === 'PendingImport'
              ? `Import the key material of ${keyArn}.`
              : state === 'Unavailable'
                ? `Reconnect the custom key store of ${keyArn}.`
                : `Wait until ${keyArn} leaves the ${state} state, then re-drive the failed objects.`,
          commands: [cli('aws kms describe-key', ['--key-id', keyArn], ...regionOption(regionOf(keyArn)))],
        },
        evidence,
      );
  }
}

function placementCauses(ctx: DiagnosisContext, target: Target, metadata: KeyMetadata): Cause[] {
  const causes: Cause[] = [];
  const keyArn = metadata.Arn;
  const keyRegion = regionOf(keyArn);
  if (
    target.side === 'destination' &&
    target.bucketRegion &&
    keyRegion &&
    keyRegion !== target.bucketRegion
  ) {
    causes.push(
      keyCause(
        target,
        keyArn,
        'key-wrong-region',
        `${label('destination')} ${keyArn} is in ${keyRegion}, but the destination bucket ${target.bucket} is in ${target.bucketRegion}; S3 needs a key in the destination bucket's region.`,
        replicationConfigFix(
          ctx.sourceBucket,
          `Set ReplicaKmsKeyID of the rule ${ctx.failure.ruleId} to a symmetric key in ${target.bucketRegion}: the first command saves the configuration to replication.json, the second puts the edited file back.`,
        ),
        [`key region ${keyRegion}`, `destination bucket region ${target.bucketRegion}`],
      ),
    );
  }
  const keyAccount = metadata.AWSAccountId ?? accountOf(keyArn);
  const crossAccount =
    (keyAccount !== undefined && keyAccount !== target.rule.roleAccount) ||
    (target.side === 'destination' && destinationAccount(target.rule).crossAccount);
  if (metadata.KeyManager === 'AWS' && crossAccount) {
    const region = keyRegion ?? target.bucketRegion;
    causes.push(
      keyCause(
        target,
        keyArn,
        'aws-managed-key-cross-account',
        `${label(target.side)} ${keyArn} is an AWS managed key (aws/s3), which cannot be used across accounts.`,
        {
          summary: `Use a customer managed key owned by the ${target.side} account instead: create one${region ? ` in ${region}` : ''}, let the replication role use it in its key policy, and set it in the ${target.side === 'destination' ? 'rule (ReplicaKmsKeyID)' : "source bucket's default encryption"}.`,
          commands: [
            cli(
              'aws kms create-key',
              ['--description', `S3 replication key for ${target.bucket}`],
              ...regionOption(region),
            ),
            ...(target.side === 'destination' ? replicationConfigFix(ctx.sourceBucket, '').commands : []),
          ],
        },
        [`KeyManager AWS`, `key account ${keyAccount ?? 'unknown'}, role account ${target.rule.roleAccount}`],
      ),
    );
  }
  return causes;
}

/** The AWS default key policy: the key's account delegates to IAM. Used when the real one cannot be read. */
function defaultKeyPolicy(keyArn: string, keyAccount: string): NamedPolicy {
  return {
    name: `default key policy of ${keyArn} (assumed: the key policy could not be read)`,
    kind: 'key',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${keyAccount}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    },
  };
}

async function accessCauses(
  ctx: DiagnosisContext,
  target: Target,
  metadata: KeyMetadata,
  rolesRead: Promise<RolePolicies>,
): Promise<{ causes: Cause[]; unverified: Unverified[] }> {
  const keyArn = metadata.Arn;
  const keyAccount = metadata.AWSAccountId ?? accountOf(keyArn) ?? target.rule.roleAccount;
  const [keyPolicy, grants, roles] = await Promise.all([
    ctx.keyPolicy(keyArn),
    ctx.grants(keyArn),
    rolesRead,
  ]);
  const role: RoleRef = {
    roleArn: target.rule.roleArn,
    roleName: target.rule.roleName,
    roleAccount: target.rule.roleAccount,
  };
  const unverified: Unverified[] = [];
  if (roles.status === 'role-not-found')
    return { causes: [roleNotFound(role, ctx.sourceBucket)], unverified };
  const layers: Layer[] = [];
  if (roles.status === 'ok') layers.push('identity', 'boundary');
  else if (roles.status === 'unreadable') unverified.push({ why: roles.why });
  if (roles.status === 'ok' && roles.boundaryUnreadable) unverified.push({ why: roles.boundaryUnreadable });
  let resourcePolicy: NamedPolicy;
  if (keyPolicy.status === 'ok') {
    resourcePolicy = { name: `key policy of ${keyArn}`, kind: 'key', document: keyPolicy.value };
    layers.push('resource');
  } else {
    resourcePolicy = defaultKeyPolicy(keyArn, keyAccount);
    unverified.push({ why: unreadWhy('kms:GetKeyPolicy', keyArn, keyPolicy) });
  }
  if (grants.status !== 'ok') {
    unverified.push({ why: unreadWhy('kms:ListGrants', keyArn, grants) });
  }

  const actions =
    target.side === 'source'
      ? ['kms:Decrypt']
      : ['kms:Encrypt', 'kms:GenerateDataKey', ...(target.bucketKey ? ['kms:Decrypt'] : [])];
  const viaRegion = target.viaRegion ?? regionOf(keyArn) ?? '';
  const contextArn = target.bucketKey ? bucketArn(target.bucket) : objectArn(target.bucket, ctx.failure.key);
  const scope: Extract<PermissionScope, { kind: 'kms' }> = {
    kind: 'kms',
    side: target.side,
    keyArn,
    viaRegion,
    contextPattern: target.bucketKey ? bucketArn(target.bucket) : objectsArn(target.bucket),
  };
  const identityPolicies = roles.status === 'ok' ? roles.identityPolicies : [];
  const boundary = roles.status === 'ok' ? roles.boundary : undefined;
  const failures = actions.flatMap((action) => {
    const request = {
      principalArn: role.roleArn,
      principalAccount: role.roleAccount,
      action,
      resource: keyArn,
      resourceAccount: keyAccount,
      context: kmsRequestContext({
        roleArn: role.roleArn,
        roleAccount: role.roleAccount,
        resourceAccount: keyAccount,
        region: viaRegion,
        encryptionContextArn: contextArn,
      }),
    };
    const result = evaluateAccess({
      request,
      identityPolicies,
      ...(boundary ? { permissionsBoundary: boundary } : {}),
      resourcePolicy,
      resourceType: 'kms',
      grants: grants.status === 'ok' ? grants.value : [],
    });
    return failuresOf(result, request, scope, layers);
  });
  // Without the grants, a key policy that does not allow proves nothing: a grant may.
  const usable = failures.filter(
    (failure) => !(failure.layer === 'resource' && failure.kind === 'no-allow' && grants.status !== 'ok'),
  );
  const causes = permissionCauses(usable, {
    role,
    identityPolicies: roles.status === 'ok' ? describePolicies(roles.identityPolicies) : 'unreadable',
    ...(roles.status === 'ok' && roles.role.PermissionsBoundaryArn
      ? { boundaryArn: roles.role.PermissionsBoundaryArn }
      : {}),
    concreteResources: true,
  });
  if (keyPolicy.status !== 'ok') {
    for (const cause of causes)
      cause.evidence = [...(cause.evidence ?? []), `evaluated against ${resourcePolicy.name}`];
  }
  return { causes, unverified };
}

async function checkKey(ctx: DiagnosisContext, check: CheckName, target: KeyTarget): Promise<CheckResult> {
  switch (target.status) {
    case 'none':
      return checkResult(check, [], [], [`${check}: ${target.note}`]);
    case 'unknown':
      return checkResult(check, [], [{ why: target.why }]);
    case 'key':
      break;
    default: {
      const unhandled: never = target;
      throw new TypeError(`unhandled key target ${JSON.stringify(unhandled)}`);
    }
  }
  // The role's policies are read beside the key, not after it: they do not depend on each other.
  const roles = ctx.plan.keyChecks === 'access' ? rolePolicies(ctx) : undefined;
  const read = await ctx.describeKey(target.keyId, target.describeRegion);
  if (read.status === 'not-found') return checkResult(check, [keyNotFound(ctx, target)], [], target.notes);
  if (read.status === 'denied') {
    return checkResult(check, [], [{ why: deniedWhy('kms:DescribeKey', target.keyId, read) }], target.notes);
  }
  const metadata = read.value;
  const state = stateCause(target, metadata);
  // A key that cannot be used at all makes its policy moot.
  if (state) return checkResult(check, [state], [], target.notes);
  const causes = placementCauses(ctx, target, metadata);
  if (!roles || causes.length > 0) return checkResult(check, causes, [], target.notes);
  const access = await accessCauses(ctx, target, metadata, roles);
  return checkResult(check, access.causes, access.unverified, target.notes);
}

/**
 * Which account owns a key decides whose credentials read it (reference §8.2: GetKeyPolicy does not work
 * across accounts), so a reads layer may need the caller's account first: ask for it in the first round.
 */
function warmCallerAccount(ctx: DiagnosisContext): void {
  void ctx.callerIdentity();
}

export async function checkSourceKmsKey(ctx: DiagnosisContext): Promise<CheckResult> {
  const check = 'source-kms-key';
  warmCallerAccount(ctx);
  const target = await sourceKeyTarget(ctx);
  if (target.status === 'key' && target.rule.rule) {
    const ineligible = await ineligibleSseKms(ctx, target.rule.rule);
    // S3 does not replicate the object, so it never uses the key; the object check reports why when it runs.
    if (ineligible) {
      return ctx.plan.checks.includes('object')
        ? checkResult(
            check,
            [],
            [],
            [`${check}: the rule does not replicate SSE-KMS objects, so the key is not used`],
          )
        : checkResult(check, [ineligible]);
    }
  }
  return checkKey(ctx, check, target);
}

export async function checkDestinationKmsKey(ctx: DiagnosisContext): Promise<CheckResult> {
  warmCallerAccount(ctx);
  return checkKey(ctx, 'destination-kms-key', await destinationKeyTarget(ctx));
}
