/** The attempt and marker items as stored, and reading them back with their types checked. */
import type { AttemptStatus, CopyAttempt, CopyResultMarker } from './attempt-types.js';
import { LedgerError } from './errors.js';
import { itemFieldReaders } from './item-fields.js';

export const ATTEMPT_KIND = 'copy-attempt';
export const RESULT_KIND = 'copy-result';

/** An item read back, with the fields a conditional write needs to guard on. */
export type StoredItem =
  | { kind: typeof ATTEMPT_KIND; revision: number; leaseUntil?: number; attempt: CopyAttempt }
  | { kind: typeof RESULT_KIND; revision: number; marker: CopyResultMarker };

type Raw = Record<string, unknown>;

const STATUSES: readonly AttemptStatus[] = ['in-progress', 'done', 'failed'];

function malformed(field: string, raw: Raw): LedgerError {
  return new LedgerError(`ledger item ${String(raw.pk)} / ${String(raw.sk)} has no valid ${field}`);
}

const { text, optionalText, count, optionalCount } = itemFieldReaders(malformed);

/** `{ [field]: value }` when there is a value, `{}` otherwise: absent fields stay absent, not `undefined`. */
function present<K extends string, V>(field: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [field]: value } as { [P in K]?: V });
}

export function readStoredItem(raw: Raw): StoredItem {
  const kind = raw.kind;
  const target = {
    bucket: text(raw, 'bucket'),
    key: text(raw, 'objectKey'),
    versionId: text(raw, 'versionId'),
  };
  const revision = count(raw, 'revision', 0);
  if (kind === RESULT_KIND) {
    return {
      kind,
      revision,
      marker: {
        ...target,
        generation: count(raw, 'generation'),
        origin: text(raw, 'origin'),
        copiedFrom: text(raw, 'copiedFrom'),
      },
    };
  }
  if (kind !== ATTEMPT_KIND) throw malformed('kind', raw);
  const status = raw.status;
  if (!STATUSES.includes(status as AttemptStatus)) throw malformed('status', raw);
  const leaseUntil = optionalCount(raw, 'leaseUntil');
  const attempt: CopyAttempt = {
    ...target,
    status: status as AttemptStatus,
    reason: text(raw, 'reason'),
    generation: count(raw, 'generation', 0),
    origin: optionalText(raw, 'origin') ?? target.versionId,
    claims: count(raw, 'claims', 1),
    failures: count(raw, 'failures', 0),
    claimedAt: text(raw, 'claimedAt'),
    ...present('leaseExpiresAt', leaseUntil === undefined ? undefined : new Date(leaseUntil).toISOString()),
    ...present('completedAt', optionalText(raw, 'completedAt')),
    ...present('newVersionId', optionalText(raw, 'newVersionId')),
    ...present('requests', optionalCount(raw, 'requests')),
    ...present('lastError', optionalText(raw, 'lastError')),
  };
  return { kind, revision, ...(leaseUntil === undefined ? {} : { leaseUntil }), attempt };
}
