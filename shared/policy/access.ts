/**
 * How identity policies, the permissions boundary, the resource (bucket or key) policy and KMS grants
 * combine into one decision, following the IAM user guide's evaluation logic:
 *
 * - An explicit deny in any layer wins; a grant cannot override it.
 * - S3, same account: the identity policy (within the boundary) OR the bucket policy may allow.
 *   A bucket policy naming only the account (`root` / account id) delegates to IAM and grants nothing
 *   by itself.
 * - Cross-account: the identity policy (within the boundary) AND the resource policy must allow; the
 *   resource policy may name the role, its session, `*`, or the role's account.
 * - KMS: the key policy is mandatory. It allows when it names the caller directly (same account), or
 *   names the caller or its account while the identity policy (within the boundary) allows. A grant
 *   to the caller is enough by itself; a grant to the caller's account needs the identity policy too.
 *
 * Permissions boundary choice. The IAM guide ("Policy evaluation for requests within a single account"
 * and "Permissions boundaries") says a resource-based policy that grants to the IAM *role* ARN is
 * limited by an implicit deny in the role's permissions boundary, while a grant to a role *session* ARN
 * goes to the session directly and is not limited by it. We apply exactly that: a direct grant naming
 * the role ARN (or `*`) still needs the boundary; a grant naming `principalSessionArn` does not. AWS
 * does not document whether a boundary limits KMS grants; we follow the grant (allowed), so a boundary
 * is never blamed for a request a grant covers.
 */
import type { AccessInput, AccessResult, LayerFailure, PolicySetResult } from './api.js';
import { indexContext } from './context.js';
import { type DetailedResult, evaluatePolicySet } from './evaluate.js';
import { matchGrants } from './grants.js';
import { describeCaller } from './principals.js';

function publicResult(result: DetailedResult): PolicySetResult {
  const { allowVia: _allowVia, ...rest } = result;
  return rest;
}

function identityPolicyName(input: AccessInput): string {
  const inline = input.identityPolicies.find((p) => p.kind === 'inline');
  if (inline) return inline.name;
  const role = /:role\/(?:.*\/)?([^/]+)$/.exec(input.request.principalArn)?.[1];
  return `an identity policy of ${role ?? input.request.principalArn}`;
}

function resourcePolicyName(input: AccessInput): string {
  if (input.resourcePolicy) return input.resourcePolicy.name;
  if (input.resourceType === 'kms') return `key policy of ${input.request.resource}`;
  const bucket = /^arn:[^:]+:s3:::([^/]+)/.exec(input.request.resource)?.[1];
  return `bucket policy of ${bucket ?? input.request.resource}`;
}

export function evaluateAccess(input: AccessInput): AccessResult {
  const { request, resourceType } = input;
  const hasBoundary = input.permissionsBoundary !== undefined;
  const identity = evaluatePolicySet(input.identityPolicies, request, { resourcePolicy: false });
  const boundary = input.permissionsBoundary
    ? evaluatePolicySet([input.permissionsBoundary], request, { resourcePolicy: false })
    : undefined;
  const resource = input.resourcePolicy
    ? evaluatePolicySet([input.resourcePolicy], request, {
        resourcePolicy: true,
        principalHasBoundary: hasBoundary,
      })
    : undefined;

  const warnings = [...identity.warnings, ...(boundary?.warnings ?? []), ...(resource?.warnings ?? [])];
  const grants =
    resourceType === 'kms'
      ? matchGrants(
          input.grants ?? [],
          request,
          describeCaller(request),
          indexContext(request.context),
          warnings,
        )
      : [];

  const sameAccount = request.principalAccount === request.resourceAccount;
  const boundaryAllows = boundary === undefined || boundary.allows.length > 0;
  const identityAllows = identity.allows.length > 0;
  const identityGrants = identityAllows && boundaryAllows;
  const via = new Set(resource?.allowVia ?? []);
  const namesRole = via.has('principal') || via.has('everyone');
  const namesSession = via.has('session');
  const namesAccount = via.has('account');
  const directGrant = grants.find((g) => g.via !== 'account');
  const accountGrant = grants.find((g) => g.via === 'account');

  let policiesAllow: boolean;
  let identityNeeded: boolean;
  let resourceNeeded: boolean;
  let resourceAllows: boolean;
  switch (resourceType) {
    case 's3':
      policiesAllow = sameAccount
        ? identityGrants || namesSession || (namesRole && boundaryAllows)
        : identityGrants && (namesRole || namesSession || namesAccount);
      identityNeeded = !sameAccount || !(namesRole || namesSession);
      resourceNeeded = !sameAccount;
      resourceAllows = namesRole || namesSession || namesAccount;
      break;
    case 'kms':
      policiesAllow = sameAccount
        ? namesSession || (namesRole && boundaryAllows) || (namesAccount && identityGrants)
        : (namesRole || namesSession || namesAccount) && identityGrants;
      // Same account, a key policy that names nobody is fixed by naming the role, which needs no IAM allow.
      identityNeeded =
        !sameAccount || (!(namesRole || namesSession) && (namesAccount || accountGrant !== undefined));
      resourceNeeded = true;
      resourceAllows = namesRole || namesSession || namesAccount || grants.length > 0;
      break;
    default: {
      const unknown: never = resourceType;
      throw new TypeError(`unknown resource type ${String(unknown)}`);
    }
  }
  const grantAllows = directGrant !== undefined || (accountGrant !== undefined && identityGrants);

  const identityDenies = identity.denies[0];
  const boundaryDenies = boundary?.denies[0];
  const resourceDenies = resource?.denies[0];
  const anyDeny = identityDenies ?? boundaryDenies ?? resourceDenies;
  const allowPath = policiesAllow || grantAllows;
  const allowed = anyDeny === undefined && allowPath;

  const failures: LayerFailure[] = [];
  if (!allowed) {
    if (identityDenies)
      failures.push({ layer: 'identity', kind: 'explicit-deny', statement: identityDenies });
    else if (!allowPath && identityNeeded && !identityAllows) {
      failures.push({ layer: 'identity', kind: 'no-allow', policy: identityPolicyName(input) });
    }
    if (boundaryDenies)
      failures.push({ layer: 'boundary', kind: 'explicit-deny', statement: boundaryDenies });
    else if (!allowPath && input.permissionsBoundary && !boundaryAllows) {
      failures.push({ layer: 'boundary', kind: 'no-allow', policy: input.permissionsBoundary.name });
    }
    if (resourceDenies)
      failures.push({ layer: 'resource', kind: 'explicit-deny', statement: resourceDenies });
    else if (!allowPath && resourceNeeded && !resourceAllows) {
      failures.push({ layer: 'resource', kind: 'no-allow', policy: resourcePolicyName(input) });
    }
  }

  const usedGrant = allowed && !policiesAllow ? (directGrant ?? accountGrant)?.grant : undefined;
  return {
    allowed,
    failures,
    identity: publicResult(identity),
    ...(boundary ? { boundary: publicResult(boundary) } : {}),
    ...(resource ? { resource: publicResult(resource) } : {}),
    ...(usedGrant ? { grant: usedGrant } : {}),
    warnings,
  };
}
