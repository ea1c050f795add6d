/**
 * Turns evaluated requests into causes: each failing layer of each request becomes a finding, and the
 * findings are grouped into one cause per (location, problem, resource) with the missing actions sorted.
 */
import type { AccessResult, RequestContext, StatementRef } from '../policy/api.js';
import {
  boundaryAllowFix,
  bucketPolicyAllowFix,
  type DenyHome,
  denyFix,
  keyPolicyAllowFix,
  type PermissionScope,
  roleAllowFix,
} from './fixes.js';
import type { RoleRef } from './rule-state.js';
import type { Cause, Fix, Location } from './types.js';

export type Layer = 'identity' | 'boundary' | 'resource';

export interface PermissionFailure {
  layer: Layer;
  kind: 'explicit-deny' | 'no-allow';
  action: string;
  scope: PermissionScope;
  request: RequestContext;
  /** The denying statement, for `explicit-deny`. */
  statement?: StatementRef;
  /** Conditions the evaluation could not supply, worth telling a reader. */
  missingContextKeys: string[];
}

/** What the summaries and fixes say about the policies involved. */
export interface PermissionSetting {
  role: RoleRef;
  /** e.g. "inline S3ReplicationPolicy, managed arn:aws:iam::…" */
  identityPolicies: string;
  boundaryArn?: string;
  /** Resource-layer facts per S3 side: the bucket's account, whether it has a policy, what a grant should hold. */
  bucket?: Partial<
    Record<'source' | 'destination', { account?: string; hasPolicy?: boolean; grantActions?: string[] }>
  >;
  /** Describe the concrete object evaluated (object-scoped plans) or only the pattern (rule-scoped). */
  concreteResources: boolean;
}

/** The failures of one evaluation, for the layers a check owns. */
export function failuresOf(
  result: AccessResult,
  request: RequestContext,
  scope: PermissionScope,
  layers: readonly Layer[],
  denyOnly = false,
): PermissionFailure[] {
  const missingContextKeys = [
    ...result.identity.missingContextKeys,
    ...(result.boundary?.missingContextKeys ?? []),
    ...(result.resource?.missingContextKeys ?? []),
  ];
  return result.failures
    .filter((failure) => layers.includes(failure.layer) && (!denyOnly || failure.kind === 'explicit-deny'))
    .map((failure) => ({
      layer: failure.layer,
      kind: failure.kind,
      action: request.action,
      scope,
      request,
      ...(failure.statement ? { statement: failure.statement } : {}),
      missingContextKeys,
    }));
}

export function locationOf(layer: Layer, scope: PermissionScope): Location {
  switch (layer) {
    case 'identity':
      return 'replication-role-policy';
    case 'boundary':
      return 'replication-role-permissions-boundary';
    case 'resource':
      if (scope.kind === 's3')
        return scope.side === 'source' ? 'source-bucket-policy' : 'destination-bucket-policy';
      return scope.side === 'source' ? 'source-kms-key' : 'destination-kms-key';
    default: {
      const unknown: never = layer;
      throw new TypeError(`unknown layer ${String(unknown)}`);
    }
  }
}

const resourceOf = (scope: PermissionScope): string => (scope.kind === 's3' ? scope.pattern : scope.keyArn);

function shortPattern(scope: PermissionScope): string {
  return scope.kind === 's3' ? scope.pattern.replace(/^arn:aws:s3:::/, '') : scope.keyArn;
}

function keyLabel(scope: Extract<PermissionScope, { kind: 'kms' }>): string {
  return scope.side === 'source'
    ? `the source object's KMS key ${scope.keyArn}`
    : `the replica KMS key ${scope.keyArn}`;
}

function whereDenied(statement: StatementRef | undefined): string {
  if (!statement) return '';
  return statement.sid
    ? ` (${statement.policy}, statement "${statement.sid}")`
    : ` (${statement.policy}, statement ${statement.index})`;
}

function summaryOf(
  layer: Layer,
  kind: PermissionFailure['kind'],
  actions: string,
  scope: PermissionScope,
  setting: PermissionSetting,
  statement: StatementRef | undefined,
): string {
  const role = setting.role.roleName;
  const on = scope.kind === 's3' ? ` on ${shortPattern(scope)}` : ` on ${keyLabel(scope)}`;
  const conditions =
    scope.kind === 'kms'
      ? ` under the conditions S3 sends (kms:ViaService s3.${scope.viaRegion}.amazonaws.com, kms:EncryptionContext:aws:s3:arn ${scope.contextPattern})`
      : '';
  if (layer === 'identity') {
    return kind === 'no-allow'
      ? `The identity policies of the replication role ${role} do not allow ${actions}${on}${conditions}.`
      : `An identity policy of the replication role ${role} explicitly denies ${actions}${on}${whereDenied(statement)}.`;
  }
  if (layer === 'boundary') {
    return kind === 'no-allow'
      ? `The permissions boundary ${setting.boundaryArn ?? ''} of ${role} does not allow ${actions}${on}, so the role cannot use them whatever its policies allow.`
      : `The permissions boundary ${setting.boundaryArn ?? ''} of ${role} explicitly denies ${actions}${on}${whereDenied(statement)}.`;
  }
  if (scope.kind === 'kms') {
    return kind === 'no-allow'
      ? `The key policy of ${keyLabel(scope)} does not allow the replication role ${actions}${conditions}, and no grant does.`
      : `The key policy of ${keyLabel(scope)} explicitly denies the replication role ${actions}${whereDenied(statement)}.`;
  }
  const facts = setting.bucket?.[scope.side];
  const which = `The ${scope.side} bucket policy${facts?.account ? ` (account ${facts.account})` : ''}`;
  if (kind === 'explicit-deny') {
    return `${which} explicitly denies the replication role ${actions}${on}${whereDenied(statement)}.`;
  }
  return facts?.hasPolicy === false
    ? `The ${scope.side} bucket ${scope.bucket}${facts.account ? ` (account ${facts.account})` : ''} has no bucket policy, so it does not allow the replication role ${actions}${on}.`
    : `${which} does not allow the replication role ${actions}${on}.`;
}

function homeOf(statement: StatementRef, scope: PermissionScope, role: RoleRef): DenyHome {
  switch (statement.kind) {
    case 'inline':
      return { kind: 'inline', role, policyName: statement.policy };
    case 'managed':
      return { kind: 'managed', policyArn: statement.policy };
    case 'boundary':
      return { kind: 'boundary', policyArn: statement.policy };
    case 'bucket':
      return { kind: 'bucket', bucket: scope.kind === 's3' ? scope.bucket : statement.policy };
    case 'key':
    case 'trust':
      return { kind: 'key', keyArn: scope.kind === 'kms' ? scope.keyArn : statement.policy };
    default: {
      const unknown: never = statement.kind;
      throw new TypeError(`unknown policy kind ${String(unknown)}`);
    }
  }
}

function fixOf(group: PermissionFailure[], actions: string[], setting: PermissionSetting): Fix {
  const [first] = group;
  if (!first) throw new TypeError('a cause needs at least one failure');
  const { layer, kind, scope } = first;
  const { role } = setting;
  if (kind === 'explicit-deny') {
    const statements = uniqueStatements(group);
    const [main, ...others] = statements;
    if (!main) throw new TypeError('an explicit deny names its statement');
    return denyFix(
      main,
      others,
      actions,
      group.map((failure) => failure.request),
      homeOf(main, scope, role),
      role.roleArn,
    );
  }
  switch (layer) {
    case 'identity':
      return roleAllowFix(role, actions, scope);
    case 'boundary':
      return boundaryAllowFix(setting.boundaryArn ?? '', actions, scope);
    case 'resource': {
      if (scope.kind === 'kms') return keyPolicyAllowFix(role, actions, scope);
      const facts = setting.bucket?.[scope.side];
      const grant = [...new Set([...actions, ...(facts?.grantActions ?? [])])].sort();
      return bucketPolicyAllowFix(role, grant, scope, facts?.account, facts?.hasPolicy);
    }
    default: {
      const unknown: never = layer;
      throw new TypeError(`unknown layer ${String(unknown)}`);
    }
  }
}

function uniqueStatements(group: PermissionFailure[]): StatementRef[] {
  const seen = new Map<string, StatementRef>();
  for (const failure of group) {
    const ref = failure.statement;
    if (ref) seen.set(`${ref.policy}#${ref.index}`, ref);
  }
  return [...seen.values()];
}

const NO_ALLOW: Record<Layer, string> = {
  identity: 'no identity policy statement allows',
  boundary: 'the permissions boundary does not allow',
  resource: 'the resource policy does not allow',
};

function evidenceOf(group: PermissionFailure[], setting: PermissionSetting): string[] {
  const [first] = group;
  if (!first) return [];
  const evidence: string[] = [];
  const { layer, scope } = first;
  if (layer === 'identity') evidence.push(`identity policies read: ${setting.identityPolicies}`);
  if (layer === 'boundary' && setting.boundaryArn)
    evidence.push(`permissions boundary read: ${setting.boundaryArn}`);
  if (layer === 'resource') {
    if (scope.kind === 'kms') evidence.push(`key policy and grants of ${scope.keyArn} read`);
    else {
      const facts = setting.bucket?.[scope.side];
      evidence.push(
        facts?.hasPolicy === false
          ? `${scope.bucket} has no bucket policy`
          : `bucket policy of ${scope.bucket} read`,
      );
      if (facts?.account)
        evidence.push(
          `${scope.bucket} is in account ${facts.account}; the role is in ${setting.role.roleAccount}`,
        );
    }
  }
  for (const failure of group) {
    const resource =
      setting.concreteResources || scope.kind === 'kms' ? failure.request.resource : resourceOf(scope);
    evidence.push(
      failure.statement
        ? `${failure.statement.policy} statement ${failure.statement.sid ? `"${failure.statement.sid}" ` : ''}(index ${failure.statement.index}) denies ${failure.action} on ${resource}`
        : `${NO_ALLOW[failure.layer]} ${failure.action} on ${resource}`,
    );
  }
  const missing = [...new Set(group.flatMap((failure) => failure.missingContextKeys))].sort();
  if (missing.length > 0) evidence.push(`condition keys not known to the diagnoser: ${missing.join(', ')}`);
  return evidence;
}

export function permissionCauses(
  failures: readonly PermissionFailure[],
  setting: PermissionSetting,
): Cause[] {
  const groups = new Map<string, PermissionFailure[]>();
  for (const failure of failures) {
    const location = locationOf(failure.layer, failure.scope);
    const problem = failure.kind === 'no-allow' ? 'action-not-allowed' : 'explicit-deny';
    const key = `${location}|${problem}|${resourceOf(failure.scope)}`;
    const group = groups.get(key);
    if (group) group.push(failure);
    else groups.set(key, [failure]);
  }
  return [...groups.values()].map((group): Cause => {
    const [first] = group;
    if (!first) throw new TypeError('empty group');
    const actions = [...new Set(group.map((failure) => failure.action))].sort();
    const statement = group.find((failure) => failure.statement)?.statement;
    return {
      location: locationOf(first.layer, first.scope),
      problem: first.kind === 'no-allow' ? 'action-not-allowed' : 'explicit-deny',
      missingActions: actions,
      principal: setting.role.roleArn,
      resource: resourceOf(first.scope),
      summary: summaryOf(first.layer, first.kind, actions.join(', '), first.scope, setting, statement),
      fix: fixOf(group, actions, setting),
      evidence: evidenceOf(group, setting),
    };
  });
}
