/**
 * Shared setup for the incident store tests: dynalite with a fresh ledger table per test, a clock the test
 * moves, and failures in the seed setup (the role policy lacking s3:ReplicateObject).
 */
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import type { FailureRecord, IncidentObject } from '../../shared/incidents/index.js';
import { inconclusive, rootCause } from '../notify/diagnoses.js';
import { SOURCE_BUCKET } from '../support/seed-setup.js';

export const START = Date.parse('2025-03-01T10:00:00.000Z');
export const iso = (ms: number): string => new Date(ms).toISOString();

/** The guide's most common failure: every object written is stopped by the role policy. */
export const rolePolicyDiagnosis = (): Diagnosis => rootCause();
export const inconclusiveDiagnosis = (): Diagnosis => inconclusive();

export function failure(index: number, overrides: Partial<FailureRecord> = {}): FailureRecord {
  return {
    bucket: SOURCE_BUCKET,
    key: `logs/2025/03/01/part-${String(index).padStart(6, '0')}.json.gz`,
    versionId: `v${index}.Xk3J9lcpXroDTDmJrmSpXd3dIbrHY`,
    failureReason: 'DstPutObjectNotPermitted',
    eventTime: iso(START + index * 1000),
    ...overrides,
  };
}

export function failures(from: number, count: number): FailureRecord[] {
  return Array.from({ length: count }, (_, i) => failure(from + i));
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export const identityOf = (object: Pick<IncidentObject, 'bucket' | 'key' | 'versionId'>): string =>
  JSON.stringify([object.bucket, object.key, object.versionId ?? null]);
