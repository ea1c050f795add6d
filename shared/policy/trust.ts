/**
 * Does a role's trust policy let a service (S3 replication: `s3.amazonaws.com`) call `sts:AssumeRole`?
 *
 * The context of S3's AssumeRole call is not visible to us (conditions such as `aws:SourceAccount`
 * or `aws:SourceArn` are common and S3 supplies values we cannot see), so conditions are not
 * evaluated: an Allow whose conditions we cannot check counts as allowing, a Deny whose conditions we
 * cannot check does not count as denying. Both are listed in `unverified` so a caller can say so.
 */
import type { StatementRef } from './api.js';
import { inspectStatement, makeEnv, statementsOf } from './evaluate.js';
import type { NamedPolicy, PolicyDocument } from './types.js';

export interface TrustResult {
  allowed: boolean;
  /** The unconditional Deny that stops the service, if one does. */
  denying?: StatementRef;
  /** The allowing statement relied on, when one allows. */
  allowing?: StatementRef;
  /** Statements that name the service but carry conditions we assumed to hold (Allow) or not (Deny). */
  unverified: StatementRef[];
  warnings: string[];
}

function hasConditions(ref: StatementRef): boolean {
  const condition: unknown = ref.statement.Condition;
  return typeof condition === 'object' && condition !== null && Object.keys(condition).length > 0;
}

export function trustAllowsService(policy: PolicyDocument, service = 's3.amazonaws.com'): TrustResult {
  const named: NamedPolicy = { name: 'trust policy', kind: 'trust', document: policy };
  const env = makeEnv({
    principalArn: service,
    principalAccount: '',
    action: 'sts:AssumeRole',
    // A trust policy is about the role it is attached to; its statements rarely name a Resource.
    resource: '*',
    resourceAccount: '',
    context: {},
  });
  const result: TrustResult = { allowed: false, unverified: [], warnings: [] };
  const statements = statementsOf(named, result.warnings);
  let allowing: StatementRef | undefined;
  for (let index = 0; index < statements.length; index++) {
    const inspection = inspectStatement(statements[index], index, named, env, true, result.warnings);
    if (!inspection?.inScope) continue;
    const conditional = hasConditions(inspection.ref);
    if (conditional) result.unverified.push(inspection.ref);
    if (inspection.effect === 'Deny') {
      if (!conditional && !result.denying) result.denying = inspection.ref;
    } else if (!allowing || (hasConditions(allowing) && !conditional)) {
      allowing = inspection.ref;
    }
  }
  if (allowing && !result.denying) {
    result.allowed = true;
    result.allowing = allowing;
  }
  return result;
}
