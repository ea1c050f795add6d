/**
 * KMS grants: does one of the key's grants let the caller perform the request's operation?
 * A grant names one grantee, a list of operations (exact names: `GenerateDataKey` does not cover
 * `GenerateDataKeyWithoutPlaintext`, unlike the `kms:GenerateDataKey*` wildcard policies use),
 * and optional encryption-context constraints.
 */
import type { RequestContext } from './api.js';
import type { IndexedContext } from './context.js';
import { actionMatches } from './match.js';
import { accountOf, type Caller, isSessionOfRole } from './principals.js';
import type { KmsGrant } from './types.js';

export interface GrantMatch {
  grant: KmsGrant;
  /** `account`: the grant names the caller's account, which must still delegate through IAM. */
  via: 'principal' | 'session' | 'account';
}

function label(grant: KmsGrant, index: number): string {
  return `grant ${grant.GrantId ?? grant.Name ?? `#${index}`}`;
}

function granteeMatch(
  grant: KmsGrant,
  caller: Caller,
  warnings: string[],
  index: number,
): GrantMatch['via'] | undefined {
  const grantee = grant.GranteePrincipal;
  if (typeof grantee !== 'string') return undefined;
  if (grantee === caller.arn) return 'principal';
  if (caller.sessionArn !== undefined) {
    if (grantee === caller.sessionArn) return 'session';
  } else if (isSessionOfRole(grantee, caller)) {
    // The session name S3 uses for replication is not documented; a grant to a session of the
    // replication role was almost certainly made for it.
    warnings.push(
      `${label(grant, index)}: grantee ${grantee} is a session of ${caller.arn}; assumed to be the one in use`,
    );
    return 'session';
  }
  return accountOf(grantee) === caller.account ? 'account' : undefined;
}

function operationAllowed(grant: KmsGrant, action: string): boolean {
  if (!action.toLowerCase().startsWith('kms:')) return false;
  return (grant.Operations ?? []).some(
    (operation) => typeof operation === 'string' && actionMatches(`kms:${operation}`, action),
  );
}

function sameValue(values: string[] | undefined, expected: string): boolean {
  return values !== undefined && values.length === 1 && values[0] === expected;
}

/** Encryption-context constraints: keys and values are case-sensitive. */
function constraintsHold(grant: KmsGrant, context: IndexedContext): boolean {
  const requestContext = context.encryptionContext();
  const subset = grant.Constraints?.EncryptionContextSubset;
  if (subset && !Object.entries(subset).every(([k, v]) => sameValue(requestContext.get(k), v))) return false;
  const equals = grant.Constraints?.EncryptionContextEquals;
  if (equals) {
    const pairs = Object.entries(equals);
    if (pairs.length !== requestContext.size) return false;
    if (!pairs.every(([k, v]) => sameValue(requestContext.get(k), v))) return false;
  }
  return true;
}

/** Grants that allow the request, strongest first (a direct grant before an account grant). */
export function matchGrants(
  grants: KmsGrant[],
  request: RequestContext,
  caller: Caller,
  context: IndexedContext,
  warnings: string[],
): GrantMatch[] {
  const matches: GrantMatch[] = [];
  grants.forEach((grant, index) => {
    if (typeof grant !== 'object' || grant === null) {
      warnings.push(`grant #${index}: not an object; ignored`);
      return;
    }
    if (!operationAllowed(grant, request.action) || !constraintsHold(grant, context)) return;
    const via = granteeMatch(grant, caller, warnings, index);
    if (via) matches.push({ grant, via });
  });
  return matches.sort((a, b) => Number(a.via === 'account') - Number(b.via === 'account'));
}
