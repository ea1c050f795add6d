/**
 * One set of policies against one request: which statements allow, which deny.
 * How the sets combine (identity, boundary, resource policy, grants) is `access.ts`'s job.
 */
import type { PolicySetResult, RequestContext, StatementRef } from './api.js';
import { evaluateConditions } from './conditions.js';
import { type IndexedContext, indexContext } from './context.js';
import { actionMatches, arnMatches, type VariableResolver } from './match.js';
import {
  type Caller,
  describeCaller,
  matchPrincipal,
  notPrincipalApplies,
  type PrincipalMatch,
} from './principals.js';
import type { NamedPolicy, PolicyStatement } from './types.js';

export interface EvaluateOptions {
  /**
   * Evaluate as a resource policy (bucket, key or trust policy): statements need `Principal` or
   * `NotPrincipal`, and may omit `Resource`. Default: from each policy's `kind`.
   */
  resourcePolicy?: boolean;
  /** The caller has a permissions boundary (a Deny with `NotPrincipal` then always applies to it). */
  principalHasBoundary?: boolean;
}

export interface Env {
  caller: Caller;
  context: IndexedContext;
  request: RequestContext;
  hasBoundary: boolean;
}

export interface StatementInspection {
  ref: StatementRef;
  effect: 'Allow' | 'Deny';
  /** Action, Resource and Principal all match; the conditions decide the rest. */
  inScope: boolean;
  /** How the statement names the caller (resource policies only). */
  via?: PrincipalMatch;
  conditionsHold: boolean;
  missingKeys: string[];
}

const RESOURCE_POLICY_KINDS = new Set<NamedPolicy['kind']>(['bucket', 'key', 'trust']);

function stringList(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  return list.every((v): v is string => typeof v === 'string') ? list : undefined;
}

function problemsOf(statement: Record<string, unknown>, resourcePolicy: boolean): string[] {
  const problems: string[] = [];
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')
    problems.push('Effect must be "Allow" or "Deny"');
  const has = (key: string) => statement[key] !== undefined;
  if (has('Action') === has('NotAction')) problems.push('needs exactly one of Action and NotAction');
  if (has('Resource') && has('NotResource')) problems.push('has both Resource and NotResource');
  if (resourcePolicy) {
    if (has('Principal') === has('NotPrincipal'))
      problems.push('needs exactly one of Principal and NotPrincipal');
  } else {
    if (!has('Resource') && !has('NotResource')) problems.push('needs Resource or NotResource');
    if (has('Principal') || has('NotPrincipal')) problems.push('identity policies cannot name a Principal');
  }
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    if (has(key) && !stringList(statement[key]))
      problems.push(`${key} must be a string or a list of strings`);
  }
  return problems;
}

function matchesAny(patterns: string[], test: (pattern: string) => boolean): boolean {
  return patterns.some(test);
}

/** Scope check and conditions for one statement; undefined (plus warnings) when it is malformed. */
export function inspectStatement(
  raw: unknown,
  index: number,
  policy: NamedPolicy,
  env: Env,
  resourcePolicy: boolean,
  warnings: string[],
): StatementInspection | undefined {
  const where = `${policy.name} statement ${index}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    warnings.push(`${where}: not an object; ignored`);
    return undefined;
  }
  const statement = raw as Record<string, unknown>;
  const sid = typeof statement.Sid === 'string' ? statement.Sid : undefined;
  const label = sid ? `${where} (${sid})` : where;
  const problems = problemsOf(statement, resourcePolicy);
  if (problems.length > 0) {
    warnings.push(`${label}: ${problems.join('; ')}; ignored`);
    return undefined;
  }
  const effect = statement.Effect as 'Allow' | 'Deny';
  const ref: StatementRef = {
    policy: policy.name,
    kind: policy.kind,
    ...(sid !== undefined ? { sid } : {}),
    index,
    statement: raw as PolicyStatement,
  };
  const outOfScope: StatementInspection = {
    ref,
    effect,
    inScope: false,
    conditionsHold: false,
    missingKeys: [],
  };

  const { request } = env;
  const actionOk =
    statement.Action !== undefined
      ? matchesAny(stringList(statement.Action) ?? [], (p) => actionMatches(p, request.action))
      : !matchesAny(stringList(statement.NotAction) ?? [], (p) => actionMatches(p, request.action));
  if (!actionOk) return outOfScope;

  // Policy variables exist only in the 2012-10-17 language; in older documents `${…}` is literal text.
  const resolve: VariableResolver | undefined =
    policy.document?.Version === '2012-10-17' ? env.context.resolve : undefined;
  const resourceOk =
    statement.Resource !== undefined
      ? matchesAny(stringList(statement.Resource) ?? [], (p) => arnMatches(p, request.resource, resolve))
      : statement.NotResource !== undefined
        ? !matchesAny(stringList(statement.NotResource) ?? [], (p) =>
            arnMatches(p, request.resource, resolve),
          )
        : true; // a resource policy statement without Resource is about the resource it is attached to
  if (!resourceOk) return outOfScope;

  let via: PrincipalMatch | undefined;
  if (resourcePolicy) {
    const principalWarnings: string[] = [];
    if (statement.Principal !== undefined) {
      via = matchPrincipal(statement.Principal, env.caller, principalWarnings);
    } else if (
      notPrincipalApplies(statement.NotPrincipal, env.caller, effect, env.hasBoundary, principalWarnings)
    ) {
      via = 'everyone';
    }
    for (const w of principalWarnings) warnings.push(`${label}: ${w}`);
    if (via === undefined) return outOfScope;
  }

  const conditions = evaluateConditions(statement.Condition, env.context, resolve);
  for (const problem of conditions.malformed) warnings.push(`${label}: ${problem}; statement ignored`);
  return {
    ref,
    effect,
    inScope: conditions.malformed.length === 0,
    ...(via ? { via } : {}),
    conditionsHold: conditions.matches,
    missingKeys: conditions.missingKeys,
  };
}

export function statementsOf(policy: NamedPolicy, warnings: string[]): unknown[] {
  const document: unknown = policy.document;
  if (typeof document !== 'object' || document === null) {
    warnings.push(`${policy.name}: the document is not an object`);
    return [];
  }
  const statements = (document as { Statement?: unknown }).Statement;
  if (Array.isArray(statements)) return statements;
  if (typeof statements === 'object' && statements !== null) return [statements];
  warnings.push(`${policy.name}: the document has no Statement`);
  return [];
}

export function makeEnv(request: RequestContext, hasBoundary = false): Env {
  return { caller: describeCaller(request), context: indexContext(request.context), request, hasBoundary };
}

export interface DetailedResult extends PolicySetResult {
  warnings: string[];
  /** How each allowing statement names the caller (resource policies), parallel to `allows`. */
  allowVia: (PrincipalMatch | undefined)[];
}

export function evaluatePolicySet(
  policies: NamedPolicy[],
  request: RequestContext,
  options: EvaluateOptions = {},
): DetailedResult {
  const env = makeEnv(request, options.principalHasBoundary ?? false);
  const result: DetailedResult = {
    decision: 'implicit-deny',
    allows: [],
    denies: [],
    missingContextKeys: [],
    warnings: [],
    allowVia: [],
  };
  const missing = new Map<string, string>();
  for (const policy of policies) {
    const resourcePolicy = options.resourcePolicy ?? RESOURCE_POLICY_KINDS.has(policy.kind);
    const statements = statementsOf(policy, result.warnings);
    for (let index = 0; index < statements.length; index++) {
      const inspection = inspectStatement(
        statements[index],
        index,
        policy,
        env,
        resourcePolicy,
        result.warnings,
      );
      if (!inspection?.inScope) continue;
      for (const key of inspection.missingKeys) {
        if (!missing.has(key.toLowerCase())) missing.set(key.toLowerCase(), key);
      }
      if (!inspection.conditionsHold) continue;
      if (inspection.effect === 'Deny') {
        result.denies.push(inspection.ref);
      } else {
        result.allows.push(inspection.ref);
        result.allowVia.push(inspection.via);
      }
    }
  }
  result.missingContextKeys = [...missing.values()];
  result.decision =
    result.denies.length > 0 ? 'explicit-deny' : result.allows.length > 0 ? 'allow' : 'implicit-deny';
  return result;
}

/**
 * Evaluates policies of one kind (all identity policies, or one resource policy) for a request:
 * an explicit deny wins, otherwise any allow allows, otherwise the request is implicitly denied.
 */
export function evaluatePolicies(
  policies: NamedPolicy[],
  request: RequestContext,
  options?: EvaluateOptions,
): PolicySetResult {
  const { allowVia: _allowVia, ...result } = evaluatePolicySet(policies, request, options);
  return result;
}
