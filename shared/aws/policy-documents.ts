/**
 * Policy documents as the APIs return them. IAM (`GetRole`, `GetRolePolicy`, `GetPolicyVersion`) gives
 * URL-encoded JSON (RFC 3986) that the SDK does not decode; bucket and key policies are plain JSON.
 */
import type { PolicyDocument } from '../policy/types.js';
import { isPlainObject } from './json-values.js';

export type ParsedPolicy = { ok: true; document: PolicyDocument } | { ok: false; error: string };

export function parseIamPolicyDocument(raw: unknown): ParsedPolicy {
  if (typeof raw !== 'string') return checkShape(raw);
  const text = raw.trim();
  // Already-decoded JSON (some tools and fixtures hand it over decoded) starts with a brace; encoded starts %7B.
  if (text.startsWith('{')) return parsePolicyJson(text);
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return { ok: false, error: 'policy is not valid URL-encoded JSON' };
  }
  return parsePolicyJson(decoded);
}

export function parsePolicyJson(raw: unknown): ParsedPolicy {
  if (typeof raw !== 'string') return checkShape(raw);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'policy is not valid JSON' };
  }
  return checkShape(json);
}

function checkShape(json: unknown): ParsedPolicy {
  if (!isPlainObject(json)) return { ok: false, error: 'policy is not valid JSON' };
  const statement = json.Statement;
  if (!Array.isArray(statement) && !isPlainObject(statement)) {
    return { ok: false, error: 'policy document has no Statement' };
  }
  return { ok: true, document: json as unknown as PolicyDocument };
}
