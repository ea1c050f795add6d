/**
 * Who is asking, and whether a resource policy's `Principal` / `NotPrincipal` names them.
 *
 * How a statement names the principal matters for the combining logic in `access.ts`:
 * - `principal`: the role ARN itself (or a service principal) — a direct grant;
 * - `session`: the assumed-role session ARN — a direct grant to the session;
 * - `account`: `arn:aws:iam::111122223333:root` or `111122223333` — the account delegates to its
 *   identity policies, so it grants nothing by itself;
 * - `everyone`: `"*"`, `{"AWS":"*"}` or an Allow with `NotPrincipal` not naming the caller.
 */
import type { RequestContext } from './api.js';

export type PrincipalMatch = 'principal' | 'session' | 'account' | 'everyone';

export interface Caller {
  arn: string;
  account: string;
  /** `arn:aws:sts::111122223333:assumed-role/name/session`, when the request says which session. */
  sessionArn?: string;
  /** The role's name (last part of its path), for assumed-role ARNs. */
  roleName?: string;
  /** Set when the caller is a service principal such as `s3.amazonaws.com`. */
  service?: string;
}

const ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/;
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_ARN = /^arn:[^:]+:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/;
const ASSUMED_ROLE_ARN = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

export function describeCaller(request: RequestContext): Caller {
  const arn = request.principalArn;
  if (!arn.startsWith('arn:') && arn.includes('.')) {
    return { arn, account: request.principalAccount, service: arn.toLowerCase() };
  }
  const roleName = ROLE_ARN.exec(arn)?.[1];
  return {
    arn,
    account: request.principalAccount,
    ...(request.principalSessionArn ? { sessionArn: request.principalSessionArn } : {}),
    ...(roleName ? { roleName } : {}),
  };
}

/** The account named by `arn:…:iam::<id>:root` or a bare 12-digit id, if the value is one. */
export function accountOf(value: string): string | undefined {
  if (ACCOUNT_ID.test(value)) return value;
  return ROOT_ARN.exec(value)?.[1];
}

/** An assumed-role ARN of the caller's role, whatever the session name (`sessionArn` unknown). */
export function isSessionOfRole(value: string, caller: Caller): boolean {
  const match = ASSUMED_ROLE_ARN.exec(value);
  return match !== null && match[1] === caller.account && match[2] === caller.roleName;
}

type Entries = { aws: string[]; service: string[] };

function entriesOf(value: unknown, warnings: string[], element: string): Entries | 'everyone' | undefined {
  if (value === '*') return 'everyone';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    warnings.push(`${element} must be "*" or an object such as {"AWS": "..."}`);
    return undefined;
  }
  const entries: Entries = { aws: [], service: [] };
  for (const [kind, raw] of Object.entries(value)) {
    const list = Array.isArray(raw) ? raw : [raw];
    const strings = list.filter((v): v is string => typeof v === 'string');
    if (strings.length !== list.length) warnings.push(`${element}.${kind} has a value that is not a string`);
    if (kind === 'AWS') entries.aws.push(...strings);
    else if (kind === 'Service') entries.service.push(...strings.map((s) => s.toLowerCase()));
    else if (kind !== 'Federated' && kind !== 'CanonicalUser')
      warnings.push(`${element} has unknown kind ${kind}`);
  }
  return entries;
}

/** How `Principal` names the caller; the strongest match wins. Undefined when it does not. */
export function matchPrincipal(
  value: unknown,
  caller: Caller,
  warnings: string[],
): PrincipalMatch | undefined {
  const entries = entriesOf(value, warnings, 'Principal');
  if (entries === undefined) return undefined;
  // AWS documents `"*"` and `{"AWS": "*"}` as equivalent: everyone, services included.
  if (entries === 'everyone' || entries.aws.includes('*')) return 'everyone';
  if (caller.service) return entries.service.includes(caller.service) ? 'principal' : undefined;
  let best: PrincipalMatch | undefined;
  for (const aws of entries.aws) {
    if (aws === caller.arn) return 'principal';
    if (caller.sessionArn !== undefined && aws === caller.sessionArn) best = 'session';
    else if (best === undefined && accountOf(aws) === caller.account) best = 'account';
  }
  return best;
}

/**
 * Whether a `NotPrincipal` statement applies to the caller.
 *
 * AWS may check the account, then the role, then the session, so a Deny exempts the caller only when
 * every link of that chain is listed (AWS's advice: list the role ARN *and* its account). A Deny with
 * `NotPrincipal` always applies to a principal with a permissions boundary (IAM user guide,
 * "Permissions boundaries"). An Allow with `NotPrincipal` applies when no link is listed.
 */
export function notPrincipalApplies(
  value: unknown,
  caller: Caller,
  effect: 'Allow' | 'Deny',
  hasBoundary: boolean,
  warnings: string[],
): boolean {
  const entries = entriesOf(value, warnings, 'NotPrincipal');
  if (entries === undefined) return false;
  if (entries === 'everyone' || entries.aws.includes('*')) return false;
  const chain: boolean[] = caller.service
    ? [entries.service.includes(caller.service)]
    : [
        entries.aws.some((aws) => accountOf(aws) === caller.account),
        entries.aws.includes(caller.arn),
        ...(caller.sessionArn ? [entries.aws.includes(caller.sessionArn)] : []),
      ];
  if (effect === 'Allow') return chain.every((listed) => !listed);
  if (hasBoundary && !caller.service) return true;
  const listed = chain.filter(Boolean).length;
  if (listed > 0 && listed < chain.length) {
    warnings.push(
      `NotPrincipal names ${caller.arn} only in part (AWS advises listing the role ARN and its account); treated as denying`,
    );
  }
  return listed < chain.length;
}
