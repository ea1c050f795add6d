/**
 * An EventBridge event-pattern matcher for tests: does this event match this rule, archive or pipe filter?
 * It follows the documented semantics (Amazon EventBridge User Guide, "Event patterns" and
 * "Content filtering"):
 *
 * - every field named in the pattern must match (AND); the values listed for a field are alternatives (OR);
 * - a field whose event value is an array matches when any element matches; arrays of objects are flattened,
 *   so fields below them are matched across all elements (EventBridge does not tie them to one element);
 * - only `exists: false` matches a missing field; every other matcher needs a value;
 * - exact values (string, number, boolean, null), `prefix`, `suffix`, `anything-but` (value, list, `prefix`,
 *   `suffix`, `wildcard`, `equals-ignore-case`), `numeric`, `exists`, `equals-ignore-case`, `wildcard`,
 *   and `$or` at any object level.
 *
 * A malformed pattern (a leaf that is not an array, an unknown operator, a wrong operand) throws
 * `EventPatternError`, as EventBridge would reject it, so a typo in an operator fails the test using it.
 */

export class EventPatternError extends Error {
  override readonly name = 'EventPatternError';
}

type Leaf = null | boolean | number | string;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLeaf(value: unknown): value is Leaf {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

/** Every value at `key` below any of `nodes`, arrays flattened. */
function childValues(nodes: unknown[], key: string): unknown[] {
  return nodes.flatMap((node) => (isPlainObject(node) && Object.hasOwn(node, key) ? flatten(node[key]) : []));
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function expectString(operator: string, operand: unknown): string {
  if (typeof operand !== 'string')
    throw new EventPatternError(`${operator} needs a string, got ${describe(operand)}`);
  return operand;
}

// ---- string matchers shared by the top level and `anything-but`

type StringTest = (value: string) => boolean;

function wildcardTest(pattern: string): StringTest {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new EventPatternError(`wildcard ${describe(pattern)}: "\\" may only escape "*" or "\\"`);
      }
      source += next === '*' ? '\\*' : '\\\\';
      i += 1;
    } else if (char === '*') {
      if (pattern[i + 1] === '*') {
        throw new EventPatternError(`wildcard ${describe(pattern)}: consecutive "*" are not allowed`);
      }
      source += '.*';
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => regex.test(value);
}

/** `prefix` and `suffix` take a string or `{ "equals-ignore-case": string }`. */
function affixTest(operator: 'prefix' | 'suffix', operand: unknown): StringTest {
  const compare =
    operator === 'prefix'
      ? (value: string, affix: string) => value.startsWith(affix)
      : (v: string, a: string) => v.endsWith(a);
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
      throw new EventPatternError(
        `${operator} takes a string or {"equals-ignore-case": string}, got ${describe(operand)}`,
      );
    }
    const affix = expectString(`${operator} equals-ignore-case`, operand['equals-ignore-case']).toLowerCase();
    return (value) => compare(value.toLowerCase(), affix);
  }
  const affix = expectString(operator, operand);
  return (value) => compare(value, affix);
}

function equalsIgnoreCaseTest(operand: unknown): StringTest {
  const expected = expectString('equals-ignore-case', operand).toLowerCase();
  return (value) => value.toLowerCase() === expected;
}

// ---- numeric

const NUMERIC_OPERATORS = ['<', '<=', '=', '>', '>='] as const;
type NumericOperator = (typeof NUMERIC_OPERATORS)[number];

function numericTest(operand: unknown): (value: number) => boolean {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw new EventPatternError(
      `numeric takes one or two [operator, number] pairs, got ${describe(operand)}`,
    );
  }
  const conditions: { operator: NumericOperator; bound: number }[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const operator = operand[i];
    const bound = operand[i + 1];
    if (!NUMERIC_OPERATORS.includes(operator as NumericOperator) || typeof bound !== 'number') {
      throw new EventPatternError(`numeric: bad pair ${describe([operator, bound])}`);
    }
    conditions.push({ operator: operator as NumericOperator, bound });
  }
  return (value) =>
    conditions.every(({ operator, bound }) => {
      switch (operator) {
        case '<':
          return value < bound;
        case '<=':
          return value <= bound;
        case '=':
          return value === bound;
        case '>':
          return value > bound;
        case '>=':
          return value >= bound;
        default: {
          const exhaustive: never = operator;
          throw new EventPatternError(`numeric: unknown operator ${describe(exhaustive)}`);
        }
      }
    });
}

// ---- anything-but

function anythingButTest(operand: unknown): (value: Leaf) => boolean {
  if (isLeaf(operand)) return (value) => value !== operand;
  if (Array.isArray(operand)) {
    if (
      operand.length === 0 ||
      !operand.every((item) => typeof item === 'string' || typeof item === 'number')
    ) {
      throw new EventPatternError(`anything-but list must hold strings or numbers, got ${describe(operand)}`);
    }
    const excluded: unknown[] = operand;
    return (value) => !excluded.includes(value);
  }
  if (isPlainObject(operand)) {
    const entries = Object.entries(operand);
    const [entry] = entries;
    if (entries.length !== 1 || !entry) {
      throw new EventPatternError(`anything-but takes one operator, got ${describe(operand)}`);
    }
    const [operator, inner] = entry;
    let stringTest: StringTest;
    switch (operator) {
      case 'prefix':
      case 'suffix':
        stringTest = affixTest(operator, inner);
        break;
      case 'wildcard': {
        const tests = (Array.isArray(inner) ? inner : [inner]).map((item) =>
          wildcardTest(expectString('anything-but wildcard', item)),
        );
        stringTest = (value) => tests.some((test) => test(value));
        break;
      }
      case 'equals-ignore-case': {
        const tests = (Array.isArray(inner) ? inner : [inner]).map(equalsIgnoreCaseTest);
        stringTest = (value) => tests.some((test) => test(value));
        break;
      }
      default:
        throw new EventPatternError(`anything-but: unknown operator ${describe(operator)}`);
    }
    return (value) => typeof value === 'string' && !stringTest(value);
  }
  throw new EventPatternError(`anything-but: bad operand ${describe(operand)}`);
}

// ---- one alternative of a field's value list

type FieldMatcher = { kind: 'values'; test: (value: Leaf) => boolean } | { kind: 'exists'; exists: boolean };

function compileMatcher(item: unknown): FieldMatcher {
  if (isLeaf(item)) return { kind: 'values', test: (value) => value === item };
  if (!isPlainObject(item))
    throw new EventPatternError(`a pattern value must be a scalar or an operator, got ${describe(item)}`);
  const entries = Object.entries(item);
  const [entry] = entries;
  if (entries.length !== 1 || !entry) {
    throw new EventPatternError(`an operator object holds exactly one operator, got ${describe(item)}`);
  }
  const [operator, operand] = entry;
  const onStrings = (test: StringTest): FieldMatcher => ({
    kind: 'values',
    test: (value) => typeof value === 'string' && test(value),
  });
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return onStrings(affixTest(operator, operand));
    case 'equals-ignore-case':
      return onStrings(equalsIgnoreCaseTest(operand));
    case 'wildcard':
      return onStrings(wildcardTest(expectString('wildcard', operand)));
    case 'anything-but':
      return { kind: 'values', test: anythingButTest(operand) };
    case 'numeric': {
      const test = numericTest(operand);
      return { kind: 'values', test: (value) => typeof value === 'number' && test(value) };
    }
    case 'exists':
      if (typeof operand !== 'boolean')
        throw new EventPatternError(`exists takes true or false, got ${describe(operand)}`);
      return { kind: 'exists', exists: operand };
    default:
      throw new EventPatternError(`unknown operator ${describe(operator)}`);
  }
}

function matchField(alternatives: unknown[], values: unknown[]): boolean {
  if (alternatives.length === 0) throw new EventPatternError('a field must list at least one value');
  // Exists and the value matchers see leaf values only: a field holding an object "does not exist" as a leaf.
  const leaves = values.filter(isLeaf);
  return alternatives.some((alternative) => {
    const matcher = compileMatcher(alternative);
    return matcher.kind === 'exists' ? leaves.length > 0 === matcher.exists : leaves.some(matcher.test);
  });
}

function matchObject(pattern: Record<string, unknown>, nodes: unknown[]): boolean {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new EventPatternError('a pattern object must name at least one field');
  return keys.every((key) => {
    const sub = pattern[key];
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length < 2 || !sub.every(isPlainObject)) {
        throw new EventPatternError(`$or takes an array of at least two patterns, got ${describe(sub)}`);
      }
      return sub.some((alternative) => matchObject(alternative, nodes));
    }
    const values = childValues(nodes, key);
    if (Array.isArray(sub)) return matchField(sub, values);
    if (isPlainObject(sub)) return matchObject(sub, values.filter(isPlainObject));
    throw new EventPatternError(
      `field ${describe(key)} must hold an array or an object, got ${describe(sub)}`,
    );
  });
}

/** Whether `event` matches `pattern` (an object, or the JSON string CloudFormation and Pipes filters carry). */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  const parsed: unknown = typeof pattern === 'string' ? JSON.parse(pattern) : pattern;
  if (!isPlainObject(parsed))
    throw new EventPatternError(`a pattern must be a JSON object, got ${describe(parsed)}`);
  return matchObject(parsed, [event]);
}
