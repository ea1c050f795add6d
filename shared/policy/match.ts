/**
 * Wildcard matching as IAM does it: `*` is any run of characters (it may span `/`), `?` one character.
 *
 * Patterns are compiled to arrays of character codes with two sentinels, and matched with the iterative
 * star-backtracking algorithm: at most O(pattern × text) steps, never the exponential blow-up of a
 * recursive matcher, so a hostile policy (`*a*a*a*…b`) cannot stall a Lambda.
 */

const STAR = -1;
const QMARK = -2;
const COLON = 58;

/** Looks up a policy variable's key (e.g. `aws:PrincipalAccount`) in the request context. */
export type VariableResolver = (key: string) => string | undefined;

export interface PatternOptions {
  /** `*` and `?` are wildcards (StringLike, ArnLike, Resource, Action); otherwise they are literal. */
  wildcards: boolean;
  ignoreCase?: boolean;
  /** When given, `${key}` policy variables are resolved; an unresolvable one stays literal text. */
  resolve?: VariableResolver;
}

function pushLiteral(out: number[], text: string): void {
  for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i));
}

/** `${aws:username, 'default'}` → the key and the optional default. */
function parseVariable(inner: string): { key: string; fallback?: string } {
  const comma = inner.indexOf(',');
  if (comma < 0) return { key: inner.trim() };
  const raw = inner.slice(comma + 1).trim();
  const fallback = raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
  return { key: inner.slice(0, comma).trim(), fallback };
}

export function compilePattern(raw: string, options: PatternOptions): number[] {
  const text = options.ignoreCase ? raw.toLowerCase() : raw;
  const out: number[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (options.resolve && ch === 36 /* $ */ && text.charCodeAt(i + 1) === 123 /* { */) {
      const close = text.indexOf('}', i + 2);
      if (close > 0) {
        const inner = text.slice(i + 2, close);
        if (inner === '*' || inner === '?' || inner === '$') {
          // `${*}` is how a policy writes a literal asterisk.
          pushLiteral(out, inner);
        } else {
          const { key, fallback } = parseVariable(inner);
          const value = options.resolve(key) ?? fallback;
          // Unresolved variables stay as written: they then match only that literal text.
          pushLiteral(
            out,
            value === undefined ? text.slice(i, close + 1) : options.ignoreCase ? value.toLowerCase() : value,
          );
        }
        i = close + 1;
        continue;
      }
    }
    if (options.wildcards && ch === 42 /* * */) {
      if (out[out.length - 1] !== STAR) out.push(STAR);
    } else if (options.wildcards && ch === 63 /* ? */) {
      out.push(QMARK);
    } else {
      out.push(ch);
    }
    i++;
  }
  return out;
}

/** Matches `text[from, to)` against `tokens[pFrom, pTo)`. */
function matchRange(
  tokens: number[],
  pFrom: number,
  pTo: number,
  text: string,
  from: number,
  to: number,
): boolean {
  let p = pFrom;
  let t = from;
  let starP = -1;
  let starT = 0;
  while (t < to) {
    const tok = p < pTo ? tokens[p] : undefined;
    if (tok !== undefined && (tok === QMARK || tok === text.charCodeAt(t))) {
      p++;
      t++;
    } else if (tok === STAR) {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pTo && tokens[p] === STAR) p++;
  return p === pTo;
}

export function matchCompiled(tokens: number[], text: string): boolean {
  return matchRange(tokens, 0, tokens.length, text, 0, text.length);
}

export function matchesPattern(pattern: string, text: string, options: PatternOptions): boolean {
  if (options.wildcards && pattern === '*') return true;
  return matchCompiled(compilePattern(pattern, options), options.ignoreCase ? text.toLowerCase() : text);
}

/** `s3:Replicate*` against `s3:ReplicateObject`: actions are case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  return matchesPattern(pattern, action, { wildcards: true, ignoreCase: true });
}

/** Start offsets and ends of the six colon-separated ARN parts (the last part keeps its colons). */
function arnBounds(length: number, colonAt: (i: number) => boolean): [number, number][] | undefined {
  const bounds: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < length && bounds.length < 5; i++) {
    if (colonAt(i)) {
      bounds.push([start, i]);
      start = i + 1;
    }
  }
  if (bounds.length < 5) return undefined;
  bounds.push([start, length]);
  return bounds;
}

/**
 * ARN matching for `Resource` and the `Arn*` operators: each of the six colon-separated parts is
 * matched on its own, so a wildcard never spans parts; `*` still spans `/` inside the resource part.
 * A pattern or value that is not a six-part ARN falls back to matching the whole string.
 * ARNs are case-sensitive.
 */
export function arnMatches(pattern: string, arn: string, resolve?: VariableResolver): boolean {
  if (pattern === '*') return true;
  const tokens = compilePattern(pattern, { wildcards: true, ...(resolve ? { resolve } : {}) });
  const patternParts = arnBounds(tokens.length, (i) => tokens[i] === COLON);
  const arnParts = arnBounds(arn.length, (i) => arn.charCodeAt(i) === COLON);
  if (!patternParts || !arnParts) return matchCompiled(tokens, arn);
  for (let part = 0; part < 6; part++) {
    const [pFrom, pTo] = patternParts[part] as [number, number];
    const [tFrom, tTo] = arnParts[part] as [number, number];
    if (!matchRange(tokens, pFrom, pTo, arn, tFrom, tTo)) return false;
  }
  return true;
}
