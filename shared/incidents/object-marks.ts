/** Helpers the sweep and the Batch Replication job runner share for an incident's recorded objects. */
import type { IncidentStore, ObjectState } from './types.js';

const MARK_CHUNK = 100;

export type ObjectIdentity = { bucket: string; key: string; versionId?: string };

/** Just the object's identity, without the state and error an incident object carries. */
export function identity(object: ObjectIdentity): ObjectIdentity {
  return {
    bucket: object.bucket,
    key: object.key,
    ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
  };
}

type Mark = ObjectIdentity & { state: ObjectState; lastError?: string };

/** Writes object states in chunks, so a report of 100,000 rows is not one giant call. */
export class MarkBuffer {
  private readonly buffer: Mark[] = [];
  constructor(
    private readonly store: IncidentStore,
    private readonly incidentId: string,
  ) {}

  async add(mark: Mark): Promise<void> {
    this.buffer.push(mark);
    if (this.buffer.length >= MARK_CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    await this.store.markObjects(this.incidentId, this.buffer.splice(0));
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
