/**
 * The `Condition` element, per the IAM condition-operator reference:
 * - operators and keys in a block are ANDed; the values listed for one key are ORed, and NORed for a
 *   negated operator (`StringNotEquals: [a, b]` means "neither a nor b");
 * - a key absent from the context makes the condition false, except that a negated operator is then
 *   true (AWS: "if the key is not present, the condition is true" for `StringNotLike`, `ArnNotLike`, …),
 *   `…IfExists` is true, `Null` tests presence, and `ForAllValues:` is true;
 * - keys are case-insensitive, values case-sensitive unless the operator says IgnoreCase.
 * Anything malformed (unknown operator, a value that is not a scalar) makes the statement not match
 * and is reported as a warning, never thrown.
 */
import type { IndexedContext } from './context.js';
import { cidrContains } from './ip.js';
import { arnMatches, matchesPattern, type VariableResolver } from './match.js';
import type { ConditionBlock } from './types.js';

type ValueTest = (
  policyValue: string,
  contextValue: string,
  resolve: VariableResolver | undefined,
) => boolean;

interface OperatorFamily {
  /** The positive comparison; negated operators (`StringNotEquals`) invert it over all policy values. */
  test: ValueTest;
  negated: boolean;
}

const number = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

/** ISO 8601 or epoch seconds, as IAM accepts for `Date*` operators. */
function time(text: string): number {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  return Date.parse(trimmed);
}

const compareNumbers =
  (parse: (text: string) => number, accept: (context: number, policy: number) => boolean): ValueTest =>
  (policyValue, contextValue) => {
    const policy = parse(policyValue);
    const context = parse(contextValue);
    return !Number.isNaN(policy) && !Number.isNaN(context) && accept(context, policy);
  };

const stringEquals: ValueTest = (p, c, resolve) =>
  matchesPattern(p, c, { wildcards: false, ...(resolve ? { resolve } : {}) });
const stringEqualsIgnoreCase: ValueTest = (p, c, resolve) =>
  matchesPattern(p, c, { wildcards: false, ignoreCase: true, ...(resolve ? { resolve } : {}) });
const stringLike: ValueTest = (p, c, resolve) =>
  matchesPattern(p, c, { wildcards: true, ...(resolve ? { resolve } : {}) });
const arnLike: ValueTest = (p, c, resolve) => arnMatches(p, c, resolve);

const eq = (a: number, b: number) => a === b;
const lt = (a: number, b: number) => a < b;
const le = (a: number, b: number) => a <= b;
const gt = (a: number, b: number) => a > b;
const ge = (a: number, b: number) => a >= b;

const FAMILIES: Record<string, OperatorFamily> = {
  stringequals: { test: stringEquals, negated: false },
  stringnotequals: { test: stringEquals, negated: true },
  stringequalsignorecase: { test: stringEqualsIgnoreCase, negated: false },
  stringnotequalsignorecase: { test: stringEqualsIgnoreCase, negated: true },
  stringlike: { test: stringLike, negated: false },
  stringnotlike: { test: stringLike, negated: true },
  // AWS documents ArnEquals and ArnLike as behaving the same (both accept wildcards).
  arnequals: { test: arnLike, negated: false },
  arnlike: { test: arnLike, negated: false },
  arnnotequals: { test: arnLike, negated: true },
  arnnotlike: { test: arnLike, negated: true },
  numericequals: { test: compareNumbers(number, eq), negated: false },
  numericnotequals: { test: compareNumbers(number, eq), negated: true },
  numericlessthan: { test: compareNumbers(number, lt), negated: false },
  numericlessthanequals: { test: compareNumbers(number, le), negated: false },
  numericgreaterthan: { test: compareNumbers(number, gt), negated: false },
  numericgreaterthanequals: { test: compareNumbers(number, ge), negated: false },
  dateequals: { test: compareNumbers(time, eq), negated: false },
  datenotequals: { test: compareNumbers(time, eq), negated: true },
  datelessthan: { test: compareNumbers(time, lt), negated: false },
  datelessthanequals: { test: compareNumbers(time, le), negated: false },
  dategreaterthan: { test: compareNumbers(time, gt), negated: false },
  dategreaterthanequals: { test: compareNumbers(time, ge), negated: false },
  bool: { test: (p, c) => p.toLowerCase() === c.toLowerCase(), negated: false },
  binaryequals: { test: (p, c) => p === c, negated: false },
  ipaddress: { test: (p, c) => cidrContains(p, c), negated: false },
  notipaddress: { test: (p, c) => cidrContains(p, c), negated: true },
};

type Qualifier = 'any' | 'all' | undefined;

interface ParsedOperator {
  family: OperatorFamily | 'null';
  qualifier: Qualifier;
  ifExists: boolean;
}

function parseOperator(name: string): ParsedOperator | undefined {
  let rest = name.trim();
  let qualifier: Qualifier;
  const lower = rest.toLowerCase();
  if (lower.startsWith('foranyvalue:')) {
    qualifier = 'any';
    rest = rest.slice('foranyvalue:'.length);
  } else if (lower.startsWith('forallvalues:')) {
    qualifier = 'all';
    rest = rest.slice('forallvalues:'.length);
  }
  let base = rest.toLowerCase();
  const ifExists = base.endsWith('ifexists');
  if (ifExists) base = base.slice(0, -'ifexists'.length);
  if (base === 'null') return qualifier || ifExists ? undefined : { family: 'null', qualifier, ifExists };
  const family = FAMILIES[base];
  return family ? { family, qualifier, ifExists } : undefined;
}

export interface ConditionOutcome {
  matches: boolean;
  /** Keys the block used that the context did not supply (as the policy spells them). */
  missingKeys: string[];
  /** Set when the block could not be understood; the statement then does not apply. */
  malformed: string[];
}

function policyValues(raw: unknown): string[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  for (const value of list) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out.push(String(value));
    else return undefined;
  }
  return out;
}

function evaluateOperator(
  operator: ParsedOperator,
  values: string[],
  context: string[] | undefined,
  resolve: VariableResolver | undefined,
): boolean {
  if (operator.family === 'null') {
    // `Null: true` means "the key is absent".
    return values.some((v) => (v.toLowerCase() === 'true' ? context === undefined : context !== undefined));
  }
  const { test, negated } = operator.family;
  if (context === undefined) {
    if (operator.ifExists || operator.qualifier === 'all') return true;
    if (operator.qualifier === 'any') return false;
    return negated;
  }
  const positive = (contextValue: string) => values.some((v) => test(v, contextValue, resolve));
  const satisfies = (contextValue: string) => (negated ? !positive(contextValue) : positive(contextValue));
  switch (operator.qualifier) {
    case 'any':
      return context.some(satisfies);
    case 'all':
      return context.every(satisfies);
    case undefined:
      // A list key under a plain operator: some value must match, or (negated) none may.
      return negated ? context.every(satisfies) : context.some(satisfies);
    default: {
      const unreachable: never = operator.qualifier;
      return unreachable;
    }
  }
}

export function evaluateConditions(
  block: unknown,
  context: IndexedContext,
  resolve: VariableResolver | undefined,
): ConditionOutcome {
  const outcome: ConditionOutcome = { matches: true, missingKeys: [], malformed: [] };
  if (block === undefined) return outcome;
  if (typeof block !== 'object' || block === null || Array.isArray(block)) {
    return { matches: false, missingKeys: [], malformed: ['Condition is not an object'] };
  }
  for (const [operatorName, keys] of Object.entries(block as ConditionBlock)) {
    const operator = parseOperator(operatorName);
    if (!operator) {
      outcome.malformed.push(`unknown condition operator ${operatorName}`);
      continue;
    }
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
      outcome.malformed.push(`condition operator ${operatorName} does not hold a key → value map`);
      continue;
    }
    for (const [key, raw] of Object.entries(keys)) {
      const values = policyValues(raw);
      if (!values) {
        outcome.malformed.push(
          `condition ${operatorName} ${key} has a value that is not a string, number or boolean`,
        );
        continue;
      }
      const contextValues = context.get(key);
      if (contextValues === undefined && operator.family !== 'null') outcome.missingKeys.push(key);
      // Every key is evaluated (no short-circuit) so that all missing keys are reported.
      if (!evaluateOperator(operator, values, contextValues, resolve)) outcome.matches = false;
    }
  }
  if (outcome.malformed.length > 0) outcome.matches = false;
  return outcome;
}
