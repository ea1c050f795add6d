/** Incident and incident-object items as stored, read back with their types checked. */
import type { Diagnosis } from '../diagnosis/types.js';
import { itemFieldReaders } from '../ledger/item-fields.js';
import { IncidentStoreError } from './errors.js';
import type {
  Incident,
  IncidentObject,
  IncidentStatus,
  ObjectState,
  RedriveInfo,
  RedriveMethod,
  RedriveState,
} from './types.js';

export const INCIDENT_KIND = 'incident';
export const OBJECT_KIND = 'incident-object';

type Raw = Record<string, unknown>;

const STATUSES: readonly IncidentStatus[] = ['open', 'resolved'];
const OBJECT_STATES: readonly ObjectState[] = ['failed', 'redriven', 'replicated', 'failed-again'];
const METHODS: readonly RedriveMethod[] = ['copy', 'batch'];
export const REDRIVE_STATES: readonly RedriveState[] = [
  'awaiting-approval',
  'approved',
  'running',
  'verifying',
  'done',
  'tripped',
];

/** While a re-drive is in these states, a new failure of the cause is a re-failure (the circuit breaker's input). */
export const REFAIL_COUNTING_STATES: readonly RedriveState[] = ['running', 'verifying', 'done'];

function malformed(field: string, raw: Raw): IncidentStoreError {
  return new IncidentStoreError(`incident item ${String(raw.pk)} / ${String(raw.sk)} has no valid ${field}`);
}

const { text, optionalText, count, optionalCount } = itemFieldReaders(malformed);

function oneOf<T extends string>(raw: Raw, field: string, allowed: readonly T[]): T {
  const value = raw[field];
  if (!allowed.includes(value as T)) throw malformed(field, raw);
  return value as T;
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Set);
}

/** `{ [field]: value }` when there is a value, `{}` otherwise: absent fields stay absent, not `undefined`. */
function present<K extends string, V>(field: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [field]: value } as { [P in K]?: V });
}

function readRedrive(raw: Raw): RedriveInfo | undefined {
  const value = raw.redrive;
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw malformed('redrive', raw);
  // Errors name the item and say the field is inside the re-drive map.
  const nested: Raw = { ...value, pk: raw.pk, sk: `${String(raw.sk)} (redrive)` };
  return {
    method: oneOf(nested, 'method', METHODS),
    state: oneOf(nested, 'state', REDRIVE_STATES),
    objects: count(nested, 'objects'),
    estimatedRequests: count(nested, 'estimatedRequests'),
    ...present('startedAt', optionalText(nested, 'startedAt')),
    ...present('jobId', optionalText(nested, 'jobId')),
    ...present('succeeded', optionalCount(nested, 'succeeded')),
    ...present('failed', optionalCount(nested, 'failed')),
    ...present('approvedBy', optionalText(nested, 'approvedBy')),
    ...present('note', optionalText(nested, 'note')),
    ...present('jobFailure', optionalText(nested, 'jobFailure')),
  };
}

function readSlack(raw: Raw): { ts: string; channel: string } | undefined {
  const value = raw.slack;
  if (value === undefined) return undefined;
  if (!isRecord(value) || typeof value.ts !== 'string' || typeof value.channel !== 'string') {
    throw malformed('slack', raw);
  }
  return { ts: value.ts, channel: value.channel };
}

/** Samples are a map (one slot per object, so a repeated object never takes two); shown oldest first. */
function readSamples(raw: Raw): { key: string; versionId?: string }[] {
  const value = raw.samples ?? {};
  if (!isRecord(value)) throw malformed('samples', raw);
  const samples = Object.values(value).map((sample) => {
    if (!isRecord(sample) || typeof sample.key !== 'string') throw malformed('samples', raw);
    return {
      key: sample.key,
      versionId: typeof sample.versionId === 'string' ? sample.versionId : undefined,
      at: typeof sample.at === 'string' ? sample.at : '',
    };
  });
  samples.sort((a, b) => (a.at === b.at ? a.key.localeCompare(b.key) : a.at < b.at ? -1 : 1));
  return samples.map((sample) => ({ key: sample.key, ...present('versionId', sample.versionId) }));
}

export function sampleCount(raw: Raw | undefined): number {
  const value = raw?.samples;
  return isRecord(value) ? Object.keys(value).length : 0;
}

function readReasons(raw: Raw): string[] {
  const value = raw.failureReasons;
  if (value === undefined) return [];
  if (!(value instanceof Set) && !Array.isArray(value)) throw malformed('failureReasons', raw);
  const reasons = [...value];
  if (!reasons.every((reason): reason is string => typeof reason === 'string')) {
    throw malformed('failureReasons', raw);
  }
  return reasons.sort();
}

function readDiagnosis(raw: Raw): Diagnosis {
  const json = text(raw, 'diagnosis');
  try {
    const parsed: unknown = JSON.parse(json);
    if (!isRecord(parsed) || !isRecord(parsed.failure) || !Array.isArray(parsed.causes)) {
      throw malformed('diagnosis', raw);
    }
    // Written by this store from a Diagnosis; checked only for its shape.
    return parsed as unknown as Diagnosis;
  } catch (error) {
    if (error instanceof IncidentStoreError) throw error;
    throw new IncidentStoreError(`incident item ${String(raw.pk)} holds a diagnosis that is not JSON`, {
      cause: error,
    });
  }
}

export function readIncident(raw: Raw): Incident {
  if (raw.kind !== INCIDENT_KIND) throw malformed('kind', raw);
  return {
    incidentId: text(raw, 'incidentId'),
    signature: text(raw, 'signature'),
    status: oneOf(raw, 'status', STATUSES),
    sourceBucket: text(raw, 'sourceBucket'),
    ruleId: text(raw, 'ruleId'),
    destinationBucket: text(raw, 'destinationBucket'),
    failureReasons: readReasons(raw),
    count: count(raw, 'count', 0),
    firstSeen: text(raw, 'firstSeen'),
    lastSeen: text(raw, 'lastSeen'),
    sampleKeys: readSamples(raw),
    diagnosis: readDiagnosis(raw),
    openedAt: text(raw, 'openedAt'),
    ...present('resolvedAt', optionalText(raw, 'resolvedAt')),
    ...present('reopenedAt', optionalText(raw, 'reopenedAt')),
    reopenCount: count(raw, 'reopenCount', 0),
    ...present('slack', readSlack(raw)),
    ...present('lastSlackUpdateAt', optionalText(raw, 'lastSlackUpdateAt')),
    ...present('lastDigestAt', optionalText(raw, 'lastDigestAt')),
    ...present('redrive', readRedrive(raw)),
    refailedSinceRedrive: count(raw, 'refailedSinceRedrive', 0),
    ...present('note', optionalText(raw, 'note')),
  };
}

export function readIncidentObject(raw: Raw): IncidentObject {
  if (raw.kind !== OBJECT_KIND) throw malformed('kind', raw);
  return {
    incidentId: text(raw, 'incidentId'),
    bucket: text(raw, 'bucket'),
    key: text(raw, 'objectKey'),
    ...present('versionId', optionalText(raw, 'versionId')),
    ...present('failureReason', optionalText(raw, 'failureReason')),
    firstSeen: text(raw, 'firstSeen'),
    state: oneOf(raw, 'state', OBJECT_STATES),
    ...present('lastError', optionalText(raw, 'lastError')),
  };
}
