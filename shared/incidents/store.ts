/**
 * The incident store on the ledger table. An incident item (`INC#<id>` / `META`) holds the counts, times,
 * samples and the diagnosis; each failed object is its own item in the same partition, so a re-drive reads
 * exactly the incident's objects. Every state change is a conditional write, so concurrent batches,
 * the sweep and the CLI never both win the same transition.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  type NativeAttributeValue,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Diagnosis } from '../diagnosis/types.js';
import { LEDGER_GSI1 } from '../ledger/table.js';
import type { Values } from '../ledger/update-expression.js';
import { causeSignature } from '../notify/notification.js';
import { type BatchWriteOptions, DEFAULT_BATCH_WRITE, getInBatches, putInBatches } from './batch-io.js';
import {
  IncidentConflictError,
  IncidentInputError,
  IncidentNotFoundError,
  IncidentStoreError,
} from './errors.js';
import { incidentIdOf, opensIncident } from './incident-id.js';
import {
  type ItemKey,
  incidentKey,
  incidentObjectKey,
  incidentPartitionKey,
  OBJECT_SORT_KEY_PREFIX,
  OPEN_INDEX_KEY,
  sampleSlot,
} from './item-keys.js';
import { guessVariant, type RecordInput, recordUpdate, variantFor } from './record-update.js';
import {
  OBJECT_KIND,
  REDRIVE_STATES,
  REFAIL_COUNTING_STATES,
  readIncident,
  readIncidentObject,
  sampleCount,
} from './stored-incident.js';
import type {
  FailureRecord,
  Incident,
  IncidentObject,
  IncidentStore,
  NotificationClaimKind,
  ObjectState,
  RecordOutcome,
  RedriveInfo,
  RedriveState,
} from './types.js';
import { UpdateClauses, type UpdateParts } from './update-clauses.js';

export interface IncidentStoreOptions {
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  /** Sample keys kept on an incident. Default 5. */
  sampleSize?: number;
  /**
   * How long object items are kept after their last write, and resolved incidents after resolution (the
   * table's TTL deletes them after). An open incident itself never expires. Default 180 days.
   */
  retentionMs?: number;
  /** How object items are batch-read and -written (concurrency, retries of unprocessed items, backoff). */
  batchWrite?: Partial<BatchWriteOptions>;
}

const DEFAULT_SAMPLE_SIZE = 5;
const DEFAULT_RETENTION_MS = 180 * 24 * 3_600_000;
// Each lost round means another writer changed the incident; a few rounds always settle it.
const MAX_ROUNDS = 8;
// Remembered per warm container so the first guess is usually right during a re-drive, too.
const MAX_REMEMBERED = 1_000;
const MAX_ERROR_CHARS = 1_000;

const CLAIM_ATTRIBUTE: Record<NotificationClaimKind, string> = {
  'slack-update': 'lastSlackUpdateAt',
  digest: 'lastDigestAt',
};

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function isCounting(state: RedriveState | 'none' | undefined): boolean {
  return REFAIL_COUNTING_STATES.some((counting) => counting === state);
}

function isoTime(value: string, what: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new IncidentInputError(`${what} is not a time: ${JSON.stringify(value)}`);
  return new Date(time).toISOString();
}

function clip(text: string): string {
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text;
}

/** A failure with its time normalised, so ISO strings compare as times. */
interface ObjectFailure {
  bucket: string;
  key: string;
  versionId?: string;
  failureReason?: string;
  at: string;
  sk: string;
}

/** One entry per object (a redelivered event is the same object), keeping its earliest failure. */
function distinctObjects(incidentId: string, failures: readonly FailureRecord[]): ObjectFailure[] {
  const objects = new Map<string, ObjectFailure>();
  for (const failure of failures) {
    const versionId = failure.versionId === '' ? undefined : failure.versionId;
    const object = { bucket: failure.bucket, key: failure.key, ...(versionId ? { versionId } : {}) };
    const { sk } = incidentObjectKey(incidentId, object);
    const at = isoTime(failure.eventTime, `the event time of s3://${failure.bucket}/${failure.key}`);
    const seen = objects.get(sk);
    if (seen && seen.at <= at) continue;
    objects.set(sk, {
      ...object,
      ...(failure.failureReason ? { failureReason: failure.failureReason } : {}),
      at,
      sk,
    });
  }
  return [...objects.values()].sort((a, b) => (a.at === b.at ? 0 : a.at < b.at ? -1 : 1));
}

function sampleOf(object: ObjectFailure): Values {
  return { key: object.key, ...(object.versionId ? { versionId: object.versionId } : {}), at: object.at };
}

/** The redrive map as stored: DynamoDB takes no `undefined` values. */
function storedRedrive(redrive: RedriveInfo): Values {
  if (!REDRIVE_STATES.includes(redrive.state)) {
    throw new IncidentInputError(`unknown redrive state ${JSON.stringify(redrive.state)}`);
  }
  if (redrive.method !== 'copy' && redrive.method !== 'batch') {
    throw new IncidentInputError(`unknown redrive method ${JSON.stringify(redrive.method)}`);
  }
  return Object.fromEntries(Object.entries(redrive).filter(([, value]) => value !== undefined));
}

export function createIncidentStore(
  doc: DynamoDBDocumentClient,
  table: string,
  options: IncidentStoreOptions = {},
): IncidentStore {
  const clock = options.now ?? Date.now;
  const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  if (!Number.isInteger(sampleSize) || sampleSize < 0) {
    throw new RangeError(`sampleSize must be a whole number >= 0, got ${sampleSize}`);
  }
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const batchWrite: BatchWriteOptions = { ...DEFAULT_BATCH_WRITE, ...options.batchWrite };
  const countingSeen = new Map<string, boolean>();

  const nowIso = () => new Date(clock()).toISOString();
  const expiresAt = (now: number) => Math.floor((now + retentionMs) / 1000);

  async function send<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw new IncidentStoreError(`incident ${what} failed on table ${table}`, { cause: error });
    }
  }

  async function getRaw(incidentId: string): Promise<Record<string, unknown> | undefined> {
    const output = await send('read', () =>
      doc.send(new GetCommand({ TableName: table, Key: incidentKey(incidentId), ConsistentRead: true })),
    );
    return output.Item;
  }

  /** `{ old }` when the condition held (`old` undefined: the update created the item), `undefined` when not. */
  async function conditionalUpdate(
    key: ItemKey,
    parts: UpdateParts,
  ): Promise<{ old: Record<string, unknown> | undefined } | undefined> {
    try {
      const output = await send('write', () =>
        doc.send(new UpdateCommand({ TableName: table, Key: key, ...parts, ReturnValues: 'ALL_OLD' })),
      );
      return { old: output.Attributes };
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async function* query(
    input: Omit<QueryCommandInput, 'TableName'>,
  ): AsyncGenerator<Record<string, unknown>[]> {
    let start: Record<string, NativeAttributeValue> | undefined;
    do {
      const page = await send('query', () =>
        doc.send(
          new QueryCommand({ TableName: table, ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
        ),
      );
      yield page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /** Query input for an incident's objects, optionally only those in some states. */
  function objectQuery(incidentId: string, states?: ObjectState[]): Omit<QueryCommandInput, 'TableName'> {
    const u = new UpdateClauses();
    const keyCondition = `${u.path('pk')} = ${u.value(incidentPartitionKey(incidentId))} AND begins_with(${u.path('sk')}, ${u.value(OBJECT_SORT_KEY_PREFIX)})`;
    const filter =
      states === undefined
        ? undefined
        : `${u.path('state')} IN (${states.map((state) => u.value(state)).join(', ')})`;
    const parts = u.build(keyCondition, filter ?? '');
    return {
      KeyConditionExpression: keyCondition,
      ...(filter ? { FilterExpression: filter } : {}),
      ExpressionAttributeNames: parts.ExpressionAttributeNames,
      ...(parts.ExpressionAttributeValues
        ? { ExpressionAttributeValues: parts.ExpressionAttributeValues }
        : {}),
    };
  }

  function remember(incidentId: string, counting: boolean): void {
    if (countingSeen.size >= MAX_REMEMBERED) countingSeen.clear();
    countingSeen.set(incidentId, counting);
  }

  /** Adds samples while the incident has fewer than `sampleSize`; losing the race to another writer is fine. */
  async function topUpSamples(
    incidentId: string,
    old: Record<string, unknown>,
    objects: readonly ObjectFailure[],
  ): Promise<void> {
    const held = sampleCount(old);
    if (held >= sampleSize) return;
    const taken = new Set(Object.keys((old.samples as Record<string, unknown> | undefined) ?? {}));
    const fresh = objects
      .map((object) => ({ slot: sampleSlot(object.bucket, object.key, object.versionId), object }))
      .filter(({ slot }) => !taken.has(slot))
      .slice(0, sampleSize - held);
    if (fresh.length === 0) return;
    const u = new UpdateClauses();
    for (const { slot, object } of fresh) u.set(`samples.${slot}`, sampleOf(object));
    // Checked against the size now, so concurrent writers together never exceed the limit.
    u.when(`size(${u.path('samples')}) <= ${u.value(sampleSize - fresh.length)}`);
    await conditionalUpdate(incidentKey(incidentId), u.build());
  }

  async function recordFailures(diagnosis: Diagnosis, failures: FailureRecord[]): Promise<RecordOutcome> {
    if (!opensIncident(diagnosis)) {
      throw new IncidentInputError(`a ${diagnosis.verdict} diagnosis does not open an incident`);
    }
    if (failures.length === 0) throw new IncidentInputError('no failures to record');
    const incidentId = incidentIdOf(diagnosis);
    const now = clock();
    const objects = distinctObjects(incidentId, failures);
    const first = objects[0];
    const last = objects.at(-1);
    if (!first || !last) throw new IncidentInputError('no failures to record');

    // Objects first: if they cannot be written the call throws before the incident changes, and the retry
    // (from the queue) is then the call that opens the incident and is told so.
    const updatedAt = new Date(now).toISOString();
    await putInBatches(
      doc,
      table,
      objects.map((object) => ({
        ...incidentObjectKey(incidentId, object),
        kind: OBJECT_KIND,
        incidentId,
        bucket: object.bucket,
        objectKey: object.key,
        ...(object.versionId ? { versionId: object.versionId } : {}),
        ...(object.failureReason ? { failureReason: object.failureReason } : {}),
        firstSeen: object.at,
        state: 'failed',
        updatedAt,
        expiresAt: expiresAt(now),
      })),
      batchWrite,
    );

    const input: RecordInput = {
      incidentId,
      signature: causeSignature(diagnosis),
      sourceBucket: diagnosis.failure.sourceBucket,
      ruleId: diagnosis.failure.ruleId,
      destinationBucket: diagnosis.failure.destinationBucket,
      diagnosisJson: JSON.stringify(diagnosis),
      events: failures.length,
      reasons: [
        ...new Set(failures.flatMap((failure) => (failure.failureReason ? [failure.failureReason] : []))),
      ],
      firstSeen: first.at,
      lastSeen: last.at,
      samples: Object.fromEntries(
        objects
          .slice(0, sampleSize)
          .map((object) => [sampleSlot(object.bucket, object.key, object.versionId), sampleOf(object)]),
      ),
      now: updatedAt,
    };
    let variant = guessVariant(countingSeen.get(incidentId) ?? false);
    let result: { old: Record<string, unknown> | undefined } | undefined;
    for (let round = 1; round <= MAX_ROUNDS; round += 1) {
      result = await conditionalUpdate(incidentKey(incidentId), recordUpdate(variant, input));
      if (result) break;
      variant = variantFor(await getRaw(incidentId), input);
    }
    if (!result) {
      throw new IncidentConflictError(
        `incident ${incidentId} kept changing under ${MAX_ROUNDS} attempts to record ${failures.length} failures`,
      );
    }
    remember(incidentId, variant.counting);
    if (result.old) await topUpSamples(incidentId, result.old, objects);

    const incident = await get(incidentId);
    if (!incident) throw new IncidentStoreError(`incident ${incidentId} vanished right after it was written`);
    return { incident, opened: result.old === undefined, reopened: variant.reopen, added: objects.length };
  }

  async function get(incidentId: string): Promise<Incident | undefined> {
    const raw = await getRaw(incidentId);
    return raw ? readIncident(raw) : undefined;
  }

  async function listOpen(): Promise<Incident[]> {
    const u = new UpdateClauses();
    const keyCondition = `${u.path('gsi1pk')} = ${u.value(OPEN_INDEX_KEY)}`;
    const parts = u.build(keyCondition);
    const incidents: Incident[] = [];
    for await (const page of query({
      IndexName: LEDGER_GSI1,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: parts.ExpressionAttributeNames,
      ExpressionAttributeValues: parts.ExpressionAttributeValues,
    })) {
      for (const item of page) incidents.push(readIncident(item));
    }
    return incidents;
  }

  async function* listObjects(
    incidentId: string,
    listOptions: { states?: ObjectState[] } = {},
  ): AsyncGenerator<IncidentObject> {
    if (listOptions.states?.length === 0) return;
    for await (const page of query(objectQuery(incidentId, listOptions.states))) {
      for (const item of page) yield readIncidentObject(item);
    }
  }

  async function countObjects(
    incidentId: string,
    countOptions: { states?: ObjectState[] } = {},
  ): Promise<number> {
    if (countOptions.states?.length === 0) return 0;
    let total = 0;
    let start: Record<string, NativeAttributeValue> | undefined;
    const input = objectQuery(incidentId, countOptions.states);
    do {
      const page = await send('count', () =>
        doc.send(
          new QueryCommand({
            TableName: table,
            ...input,
            Select: 'COUNT',
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return total;
  }

  async function markObjects(
    incidentId: string,
    updates: { bucket: string; key: string; versionId?: string; state: ObjectState; lastError?: string }[],
  ): Promise<void> {
    // The last update of an object wins, as it would one after another.
    const latest = new Map<string, (typeof updates)[number]>();
    for (const update of updates) {
      const versionId = update.versionId === '' ? undefined : update.versionId;
      const { sk } = incidentObjectKey(incidentId, { bucket: update.bucket, key: update.key, versionId });
      latest.set(sk, update);
    }
    if (latest.size === 0) return;
    // Read, change, put back in batches: a report of 100,000 rows takes thousands of calls, not 100,000
    // UpdateItems. A failure recorded for the same object in between is overwritten, as a later UpdateItem
    // would; an object this incident never recorded is not created.
    const pk = incidentPartitionKey(incidentId);
    const stored = await getInBatches(
      doc,
      table,
      [...latest.keys()].map((sk) => ({ pk, sk })),
      batchWrite,
    );
    const now = clock();
    const changed = stored.flatMap((item) => {
      const update = latest.get(String(item.sk));
      if (!update || item.kind !== OBJECT_KIND) return [];
      const { lastError: _previous, ...rest } = item;
      return [
        {
          ...rest,
          state: update.state,
          ...(update.lastError !== undefined ? { lastError: clip(update.lastError) } : {}),
          updatedAt: new Date(now).toISOString(),
          expiresAt: expiresAt(now),
        },
      ];
    });
    await putInBatches(doc, table, changed, batchWrite);
  }

  async function claimNotification(
    incidentId: string,
    kind: NotificationClaimKind,
    minIntervalMs: number,
  ): Promise<boolean> {
    if (!Number.isFinite(minIntervalMs) || minIntervalMs < 0) {
      throw new RangeError(`minIntervalMs must be >= 0, got ${minIntervalMs}`);
    }
    const now = clock();
    const u = new UpdateClauses();
    const attribute = u.path(CLAIM_ATTRIBUTE[kind]);
    // ISO times written by this store compare as strings; the claim stamps now, so the next caller inside
    // the interval finds a time later than its threshold and loses.
    u.set(CLAIM_ATTRIBUTE[kind], new Date(now).toISOString())
      .when(`attribute_exists(${u.path('pk')})`)
      .when(
        `(attribute_not_exists(${attribute}) OR ${attribute} <= ${u.value(new Date(now - minIntervalMs).toISOString())})`,
      );
    return (await conditionalUpdate(incidentKey(incidentId), u.build())) !== undefined;
  }

  async function setSlackMessage(incidentId: string, slack: { ts: string; channel: string }): Promise<void> {
    const u = new UpdateClauses();
    // Posting the message is the latest Slack write: edits wait a full interval after it.
    u.set('slack', { ts: slack.ts, channel: slack.channel })
      .set('lastSlackUpdateAt', nowIso())
      .when(`attribute_exists(${u.path('pk')})`);
    if (!(await conditionalUpdate(incidentKey(incidentId), u.build()))) {
      throw new IncidentNotFoundError(`no incident ${incidentId} to attach the Slack message to`);
    }
  }

  async function setRedrive(
    incidentId: string,
    redrive: RedriveInfo,
    redriveOptions: {
      expectState?: RedriveState | 'none';
      expectRedrive?: Pick<RedriveInfo, 'startedAt' | 'jobId'>;
    } = {},
  ): Promise<boolean> {
    const stored = storedRedrive(redrive);
    const expect = redriveOptions.expectState;
    const key = incidentKey(incidentId);
    const write = (from: 'none' | RedriveState | 'counting' | 'not-counting', resetRefailed: boolean) => {
      const u = new UpdateClauses();
      const state = u.path('redrive.state');
      const counting = REFAIL_COUNTING_STATES.map((s) => u.value(s)).join(', ');
      u.set('redrive', stored).when(`attribute_exists(${u.path('pk')})`);
      const same = redriveOptions.expectRedrive;
      if (same)
        for (const field of ['startedAt', 'jobId'] as const) {
          const value = same[field];
          const path = u.path(`redrive.${field}`);
          u.when(value === undefined ? `attribute_not_exists(${path})` : `${path} = ${u.value(value)}`);
        }
      if (from === 'none') u.when(`attribute_not_exists(${u.path('redrive')})`);
      else if (from === 'counting') u.when(`${state} IN (${counting})`);
      else if (from === 'not-counting')
        u.when(`(attribute_not_exists(${state}) OR NOT (${state} IN (${counting})))`);
      else u.when(`${state} = ${u.value(from)}`);
      // Failures before this re-drive started are not re-failures of it.
      if (resetRefailed) u.set('refailedSinceRedrive', 0);
      return conditionalUpdate(key, u.build());
    };
    const starts = isCounting(redrive.state);
    if (expect !== undefined) return (await write(expect, starts && !isCounting(expect))) !== undefined;
    if (!starts) {
      const u = new UpdateClauses();
      u.set('redrive', stored).when(`attribute_exists(${u.path('pk')})`);
      return (await conditionalUpdate(key, u.build())) !== undefined;
    }
    // No expectation given: whether this starts a re-drive (and resets the count) depends on the state now.
    for (let round = 1; round <= MAX_ROUNDS; round += 1) {
      if (await write('not-counting', true)) return true;
      if (await write('counting', false)) return true;
      if (!(await getRaw(incidentId))) return false;
    }
    throw new IncidentConflictError(
      `the re-drive of incident ${incidentId} kept changing under ${MAX_ROUNDS} attempts`,
    );
  }

  async function approve(incidentId: string, by: string): Promise<boolean> {
    if (by.trim() === '') throw new IncidentInputError('an approval names who approved it');
    const u = new UpdateClauses();
    const state = u.path('redrive.state');
    u.set('redrive.state', 'approved')
      .set('redrive.approvedBy', by)
      .when(`${u.path('status')} = ${u.value('open')}`)
      .when(`${state} = ${u.value('awaiting-approval')}`);
    return (await conditionalUpdate(incidentKey(incidentId), u.build())) !== undefined;
  }

  async function resolve(
    incidentId: string,
    note?: string,
    options: { expectCount?: number } = {},
  ): Promise<boolean> {
    const now = clock();
    const u = new UpdateClauses();
    u.set('status', 'resolved')
      .set('resolvedAt', new Date(now).toISOString())
      .set('expiresAt', expiresAt(now))
      .remove('gsi1pk', 'gsi1sk')
      .when(`${u.path('status')} = ${u.value('open')}`);
    // Objects are written before the incident's count: an unchanged count means no failure arrived since the
    // caller checked its objects, so nothing still failed can be resolved away.
    if (options.expectCount !== undefined) u.when(`${u.path('count')} = ${u.value(options.expectCount)}`);
    if (note !== undefined) u.set('note', note);
    return (await conditionalUpdate(incidentKey(incidentId), u.build())) !== undefined;
  }

  async function reopen(incidentId: string, note: string): Promise<boolean> {
    const key = incidentKey(incidentId);
    const resolved = new UpdateClauses();
    resolved
      .set('status', 'open')
      .set('gsi1pk', OPEN_INDEX_KEY)
      .set('gsi1sk', incidentId)
      .set('reopenedAt', nowIso())
      .set('note', note)
      .add('reopenCount', 1)
      .remove('resolvedAt', 'expiresAt')
      .when(`${resolved.path('status')} = ${resolved.value('resolved')}`);
    if (await conditionalUpdate(key, resolved.build())) return true;

    // Open with a re-drive under way: the circuit breaker stops it, and the incident stays open.
    const running = new UpdateClauses();
    const state = running.path('redrive.state');
    running
      .set('redrive.state', 'tripped')
      .set('redrive.note', note)
      .set('note', note)
      .when(`${running.path('status')} = ${running.value('open')}`)
      .when(`${state} IN (${REFAIL_COUNTING_STATES.map((s) => running.value(s)).join(', ')})`);
    return (await conditionalUpdate(key, running.build())) !== undefined;
  }

  return {
    recordFailures,
    get,
    listOpen,
    listObjects,
    countObjects,
    markObjects,
    claimNotification,
    setSlackMessage,
    setRedrive,
    approve,
    resolve,
    reopen,
  };
}
