/** The request's condition context, indexed once per evaluation: keys are case-insensitive. */
import type { ContextValue } from './api.js';
import type { VariableResolver } from './match.js';

export interface IndexedContext {
  /** The values of a key as strings (a list key keeps all its values), or undefined when absent. */
  get(key: string): string[] | undefined;
  resolve: VariableResolver;
  /** `kms:EncryptionContext:<k>` entries, with `<k>` as the caller spelled it. */
  encryptionContext(): Map<string, string[]>;
}

const ENCRYPTION_CONTEXT_PREFIX = 'kms:encryptioncontext:';

function toStrings(value: ContextValue): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

export function indexContext(context: Record<string, ContextValue> | undefined): IndexedContext {
  const byKey = new Map<string, string[]>();
  const encryption = new Map<string, string[]>();
  for (const [key, value] of Object.entries(context ?? {})) {
    if (value === undefined || value === null) continue;
    const values = toStrings(value);
    byKey.set(key.toLowerCase(), values);
    if (key.toLowerCase().startsWith(ENCRYPTION_CONTEXT_PREFIX)) {
      encryption.set(key.slice(ENCRYPTION_CONTEXT_PREFIX.length), values);
    }
  }
  const get = (key: string): string[] | undefined => byKey.get(key.toLowerCase());
  return {
    get,
    resolve: (key) => {
      const values = get(key);
      // A list key has no single value to substitute.
      return values?.length === 1 ? values[0] : undefined;
    },
    encryptionContext: () => encryption,
  };
}
