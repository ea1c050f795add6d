/** Reads the one replication failure a fixture event holds, through the project's own event parser. */
import { parseEvents } from '../../shared/events/index.js';
import type { ReplicationFailure } from '../../shared/events/types.js';

/** The one replication failure an event holds; anything else is a broken fixture. */
export function failureFrom(event: unknown): ReplicationFailure {
  const records = parseEvents(event);
  const [record] = records;
  if (records.length !== 1 || record === undefined || record.kind !== 'failure') {
    throw new Error(`expected exactly one replication failure in the event, got ${JSON.stringify(records)}`);
  }
  return record.failure;
}
