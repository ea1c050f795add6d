/**
 * The fix of every cause: a summary, the statement to add (or the statement as it should read), and
 * ready-to-run `aws` commands scoped to the real ARNs. Policy edits are merges, so the commands fetch
 * the current document first; every argument is shell-quoted.
 */
import type { RequestContext, StatementRef } from '../policy/api.js';
import { evaluatePolicies } from '../policy/index.js';
import type { ConditionBlock, PolicyStatement } from '../policy/types.js';
import { regionOf } from './arns.js';
import type { Side } from './reads.js';
import type { RoleRef } from './rule-state.js';
import { cli } from './shell.js';
import type { Fix } from './types.js';

/** What a permission is for: objects or a bucket in S3, or a KMS key used under S3's conditions. */
export type PermissionScope =
  | { kind: 's3'; side: Side; bucket: string; pattern: string; bucketLevel: boolean }
  | { kind: 'kms'; side: Side; keyArn: string; viaRegion: string; contextPattern: string };

const POLICY_DOCUMENT = 'a policy document ({"Version":"2012-10-17","Statement":[ … ]})';

function scopeName(scope: PermissionScope): string {
  if (scope.kind === 'kms') return scope.side === 'source' ? 'source-key' : 'replica-key';
  if (scope.bucketLevel) return `${scope.side}-bucket`;
  return `${scope.side}-objects`;
}

function sidOf(scope: PermissionScope): string {
  return `Replication${scopeName(scope)
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')}`;
}

export function kmsConditions(scope: Extract<PermissionScope, { kind: 'kms' }>): ConditionBlock {
  return {
    StringEquals: { 'kms:ViaService': `s3.${scope.viaRegion}.amazonaws.com` },
    StringLike: { 'kms:EncryptionContext:aws:s3:arn': scope.contextPattern },
  };
}

function kmsRegionOption(keyArn: string): ['--region', string][] {
  const region = regionOf(keyArn);
  return region ? [['--region', region]] : [];
}

/** The identity statement the role (or its boundary) needs. */
export function identityStatement(actions: readonly string[], scope: PermissionScope): PolicyStatement {
  if (scope.kind === 'kms') {
    return {
      Sid: `Allow${sidOf(scope)}`,
      Effect: 'Allow',
      Action: [...actions],
      Resource: [scope.keyArn],
      Condition: kmsConditions(scope),
    };
  }
  return { Sid: `Allow${sidOf(scope)}`, Effect: 'Allow', Action: [...actions], Resource: [scope.pattern] };
}

export function roleAllowFix(role: RoleRef, actions: readonly string[], scope: PermissionScope): Fix {
  const policyName = `s3-replication-doctor-${scopeName(scope)}`;
  return {
    summary: `Add this statement to the identity policy of the role ${role.roleName}: save it in ${POLICY_DOCUMENT} as policy.json and attach it as the inline policy ${policyName}.`,
    policyStatement: identityStatement(actions, scope),
    commands: [
      cli(
        'aws iam put-role-policy',
        ['--role-name', role.roleName],
        ['--policy-name', policyName],
        ['--policy-document', 'file://policy.json'],
      ),
    ],
  };
}

function managedPolicyEditCommands(policyArn: string): string[] {
  const defaultVersion = `"$(${cli('aws iam get-policy', ['--policy-arn', policyArn], ['--query', 'Policy.DefaultVersionId'], ['--output', 'text'])})"`;
  return [
    `${cli('aws iam get-policy-version', ['--policy-arn', policyArn])} --version-id ${defaultVersion} --query PolicyVersion.Document --output json > policy.json`,
    cli(
      'aws iam create-policy-version',
      ['--policy-arn', policyArn],
      ['--policy-document', 'file://policy.json'],
      ['--set-as-default'],
    ),
  ];
}

export function boundaryAllowFix(
  boundaryArn: string,
  actions: readonly string[],
  scope: PermissionScope,
): Fix {
  return {
    summary: `Add this statement to the permissions boundary ${boundaryArn}: a boundary caps the role, so it must allow what the role needs. Fetch the current version, add the statement, and make the result the default version.`,
    policyStatement: identityStatement(actions, scope),
    commands: managedPolicyEditCommands(boundaryArn),
  };
}

function bucketPolicyCommands(bucket: string, hasPolicy: boolean): string[] {
  const put = cli('aws s3api put-bucket-policy', ['--bucket', bucket], ['--policy', 'file://policy.json']);
  if (!hasPolicy) return [put];
  return [
    `${cli('aws s3api get-bucket-policy', ['--bucket', bucket], ['--query', 'Policy'], ['--output', 'text'])} > policy.json`,
    put,
  ];
}

/**
 * The statement a bucket policy needs for the role. `hasPolicy` undefined: the policy could not be read,
 * so the commands still fetch it first.
 */
export function bucketPolicyAllowFix(
  role: RoleRef,
  actions: readonly string[],
  scope: Extract<PermissionScope, { kind: 's3' }>,
  account: string | undefined,
  hasPolicy: boolean | undefined,
): Fix {
  const where = account ? `${scope.bucket} (account ${account})` : scope.bucket;
  return {
    summary:
      hasPolicy === false
        ? `Put a bucket policy with this statement on ${where}; save it in ${POLICY_DOCUMENT} as policy.json.`
        : `Add this statement to the bucket policy of ${where}: merge it into the current policy (the first command saves it to policy.json) and put the result back.`,
    policyStatement: {
      Sid: `AllowReplicationFrom${role.roleAccount}`,
      Effect: 'Allow',
      Principal: { AWS: role.roleArn },
      Action: [...actions],
      Resource: scope.pattern,
    },
    commands: bucketPolicyCommands(scope.bucket, hasPolicy !== false),
  };
}

function keyPolicyCommands(keyArn: string): string[] {
  return [
    `${cli('aws kms get-key-policy', ['--key-id', keyArn], ['--policy-name', 'default'], ['--query', 'Policy'], ['--output', 'text'], ...kmsRegionOption(keyArn))} > key-policy.json`,
    cli(
      'aws kms put-key-policy',
      ['--key-id', keyArn],
      ['--policy-name', 'default'],
      ['--policy', 'file://key-policy.json'],
      ...kmsRegionOption(keyArn),
    ),
  ];
}

export function keyPolicyAllowFix(
  role: RoleRef,
  actions: readonly string[],
  scope: Extract<PermissionScope, { kind: 'kms' }>,
): Fix {
  return {
    summary: `Add this statement to the key policy of ${scope.keyArn}: merge it into the current key policy (the first command saves it to key-policy.json) and put the result back.`,
    policyStatement: {
      Sid: `Allow${sidOf(scope)}For${role.roleName}`.replace(/[^A-Za-z0-9]/g, ''),
      Effect: 'Allow',
      Principal: { AWS: role.roleArn },
      Action: [...actions],
      Resource: '*',
      Condition: kmsConditions(scope),
    },
    commands: keyPolicyCommands(scope.keyArn),
  };
}

/** Where a denying statement lives, so the fix can say how to edit it. */
export type DenyHome =
  | { kind: 'inline'; role: RoleRef; policyName: string }
  | { kind: 'managed'; policyArn: string }
  | { kind: 'boundary'; policyArn: string }
  | { kind: 'bucket'; bucket: string }
  | { kind: 'key'; keyArn: string };

function denyHomeCommands(home: DenyHome): string[] {
  switch (home.kind) {
    case 'inline':
      return [
        `${cli('aws iam get-role-policy', ['--role-name', home.role.roleName], ['--policy-name', home.policyName], ['--query', 'PolicyDocument'], ['--output', 'json'])} > policy.json`,
        cli(
          'aws iam put-role-policy',
          ['--role-name', home.role.roleName],
          ['--policy-name', home.policyName],
          ['--policy-document', 'file://policy.json'],
        ),
      ];
    case 'managed':
    case 'boundary':
      return managedPolicyEditCommands(home.policyArn);
    case 'bucket':
      return bucketPolicyCommands(home.bucket, true);
    case 'key':
      return keyPolicyCommands(home.keyArn);
    default: {
      const unknown: never = home;
      throw new TypeError(`unknown policy home ${JSON.stringify(unknown)}`);
    }
  }
}

function describeStatement(ref: StatementRef): string {
  return ref.sid ? `statement "${ref.sid}" (index ${ref.index})` : `statement ${ref.index}`;
}

const listOf = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Does the statement, on its own, still deny any of the requests? */
function stillDenies(
  statement: PolicyStatement,
  ref: StatementRef,
  requests: readonly RequestContext[],
): boolean {
  const policy = {
    name: ref.policy,
    kind: ref.kind,
    document: { Version: '2012-10-17', Statement: [statement] },
  };
  return requests.some((request) => evaluatePolicies([policy], request).decision === 'explicit-deny');
}

/**
 * The denying statement as it should read. A bucket or key policy keeps its deny for everyone else and
 * exempts the role (`ArnNotEquals aws:PrincipalArn`); an identity policy or boundary drops the denied
 * actions from the statement, or, when a wildcard denies them, the statement has to go or be narrowed.
 */
function narrowDeny(
  ref: StatementRef,
  actions: readonly string[],
  requests: readonly RequestContext[],
  roleArn: string,
): { statement?: PolicyStatement; how: string } {
  const original = ref.statement;
  if (ref.kind === 'bucket' || ref.kind === 'key') {
    const condition: ConditionBlock = { ...(original.Condition ?? {}) };
    const arnNotEquals = { ...(condition.ArnNotEquals ?? {}) };
    const exempted = listOf(arnNotEquals['aws:PrincipalArn'] as string | string[] | undefined);
    arnNotEquals['aws:PrincipalArn'] = [...exempted, roleArn];
    condition.ArnNotEquals = arnNotEquals;
    const statement = { ...original, Condition: condition };
    if (!stillDenies(statement, ref, requests)) {
      return {
        statement,
        how: `exempt the replication role ${roleArn} from it (ArnNotEquals aws:PrincipalArn)`,
      };
    }
    return { how: `remove it, or narrow it so that it no longer denies ${actions.join(', ')} to ${roleArn}` };
  }
  const denied = new Set(actions.map((action) => action.toLowerCase()));
  if (original.NotAction !== undefined) {
    const statement = { ...original, NotAction: [...listOf(original.NotAction), ...actions] };
    if (!stillDenies(statement, ref, requests)) {
      return { statement, how: `add ${actions.join(', ')} to its NotAction` };
    }
  } else {
    const kept = listOf(original.Action).filter((action) => !denied.has(action.toLowerCase()));
    if (kept.length === 0) return { how: 'remove it: it denies nothing but what replication needs' };
    const statement = { ...original, Action: kept };
    if (!stillDenies(statement, ref, requests)) {
      return { statement, how: `drop ${actions.join(', ')} from its Action` };
    }
  }
  return {
    how: `remove it, or narrow its Action or Resource: a wildcard in it denies ${actions.join(', ')}`,
  };
}

export function denyFix(
  ref: StatementRef,
  others: readonly StatementRef[],
  actions: readonly string[],
  requests: readonly RequestContext[],
  home: DenyHome,
  roleArn: string,
): Fix {
  const narrowed = narrowDeny(ref, actions, requests, roleArn);
  const more =
    others.length > 0
      ? ` Also ${others.map((other) => `${describeStatement(other)} of ${other.policy}`).join(' and ')} deny part of it.`
      : '';
  return {
    summary: `${describeStatement(ref)} of ${ref.policy} denies ${actions.join(', ')}: ${narrowed.how}.${narrowed.statement ? ' The statement should read as shown.' : ''}${more}`,
    ...(narrowed.statement ? { policyStatement: narrowed.statement } : {}),
    commands: denyHomeCommands(home),
  };
}

// ---- Fixes for settings ----

export function versioningFix(bucket: string): Fix {
  return {
    summary: `Enable versioning on ${bucket}: replication needs it on both buckets (a suspended bucket does not count).`,
    commands: [
      cli(
        'aws s3api put-bucket-versioning',
        ['--bucket', bucket],
        ['--versioning-configuration', 'Status=Enabled'],
      ),
    ],
  };
}

export function replicationConfigFix(sourceBucket: string, summary: string): Fix {
  return {
    summary,
    commands: [
      `${cli('aws s3api get-bucket-replication', ['--bucket', sourceBucket], ['--query', 'ReplicationConfiguration'], ['--output', 'json'])} > replication.json`,
      cli(
        'aws s3api put-bucket-replication',
        ['--bucket', sourceBucket],
        ['--replication-configuration', 'file://replication.json'],
      ),
    ],
  };
}

export function trustPolicyStatement(): PolicyStatement {
  return { Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' };
}

export function trustFix(role: RoleRef): Fix {
  return {
    summary: `Let s3.amazonaws.com assume ${role.roleName}: put this statement in its trust policy (save ${POLICY_DOCUMENT} as trust-policy.json).`,
    policyStatement: trustPolicyStatement(),
    commands: [
      cli(
        'aws iam update-assume-role-policy',
        ['--role-name', role.roleName],
        ['--policy-document', 'file://trust-policy.json'],
      ),
    ],
  };
}

export function roleNotFoundFix(role: RoleRef, sourceBucket: string): Fix {
  return {
    summary: `Create the role ${role.roleName} with this trust statement (save ${POLICY_DOCUMENT} as trust-policy.json) and the replication permissions, or point the replication configuration of ${sourceBucket} at an existing role.`,
    policyStatement: trustPolicyStatement(),
    commands: [
      cli(
        'aws iam create-role',
        ['--role-name', role.roleName],
        ['--assume-role-policy-document', 'file://trust-policy.json'],
      ),
    ],
  };
}

export function enableKeyFix(keyArn: string): Fix {
  return {
    summary: `Enable the KMS key ${keyArn}.`,
    commands: [cli('aws kms enable-key', ['--key-id', keyArn], ...kmsRegionOption(keyArn))],
  };
}

export function cancelKeyDeletionFix(keyArn: string): Fix {
  return {
    summary: `Cancel the scheduled deletion of the KMS key ${keyArn}, then enable it (a key leaves PendingDeletion disabled).`,
    commands: [
      cli('aws kms cancel-key-deletion', ['--key-id', keyArn], ...kmsRegionOption(keyArn)),
      cli('aws kms enable-key', ['--key-id', keyArn], ...kmsRegionOption(keyArn)),
    ],
  };
}

export function requesterPaysFix(bucket: string): Fix {
  return {
    summary: `Turn Requester Pays off on ${bucket}: replication to another account cannot write to a Requester Pays bucket.`,
    commands: [
      cli(
        'aws s3api put-bucket-request-payment',
        ['--bucket', bucket],
        ['--request-payment-configuration', 'Payer=BucketOwner'],
      ),
    ],
  };
}

export function objectLockFix(bucket: string): Fix {
  return {
    summary: `Enable Object Lock on ${bucket}: the source uses Object Lock, so the destination must too (versioning stays enabled).`,
    commands: [
      cli(
        'aws s3api put-object-lock-configuration',
        ['--bucket', bucket],
        ['--object-lock-configuration', 'ObjectLockEnabled=Enabled'],
      ),
    ],
  };
}
