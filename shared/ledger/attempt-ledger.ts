/**
 * Copy-in-place attempts, so that a copy happens once per failed version however often its event is
 * delivered, and a copy whose own new version fails again is not copied again past a limit (no loops).
 *
 * Every state change is a conditional write: the first claim is a put that only succeeds on an absent
 * item; any later change is guarded on the item's `revision`, so of any number of racing workers exactly
 * one wins and the rest see what it wrote.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  AttemptLedger,
  AttemptTarget,
  ClaimInput,
  ClaimResult,
  CopyAttempt,
  FailInput,
  FailResult,
  LedgerEntry,
} from './attempt-types.js';
import { LedgerConflictError, LedgerError, LedgerStateError } from './errors.js';
import { type ItemKey, objectVersionKey } from './keys.js';
import { ATTEMPT_KIND, RESULT_KIND, readStoredItem, type StoredItem } from './stored-item.js';
import { Expression, type Values } from './update-expression.js';

export interface AttemptLedgerOptions {
  /** How many copies in place one original failure may lead to; a version written by the last one is not copied. */
  maxCopiesPerObject?: number;
  /** How long a claim keeps other workers off; after it a crashed worker's attempt may be taken over. */
  leaseMs?: number;
  /** How long items are kept (the table's TTL deletes them after). */
  retentionMs?: number;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
}

const DEFAULT_LEASE_MS = 15 * 60_000;
const DEFAULT_RETENTION_MS = 30 * 24 * 3_600_000;
// Each lost race means another worker made progress, so a few rounds always settle it.
const MAX_ROUNDS = 5;
const MAX_ERROR_CHARS = 1_000;

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text;
}

function checkTarget(target: AttemptTarget): void {
  for (const field of ['bucket', 'key', 'versionId'] as const) {
    if (typeof target[field] !== 'string' || target[field] === '') {
      throw new LedgerStateError(`a ledger entry needs a non-empty ${field}`);
    }
  }
}

function where(target: AttemptTarget): string {
  return `s3://${target.bucket}/${target.key} version ${target.versionId}`;
}

export function createAttemptLedger(
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: AttemptLedgerOptions = {},
): AttemptLedger {
  const limit = options.maxCopiesPerObject ?? 1;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`maxCopiesPerObject must be a whole number >= 1, got ${limit}`);
  }
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const clock = options.now ?? Date.now;

  const expiresAt = (now: number): number => Math.floor((now + retentionMs) / 1000);

  async function send<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw new LedgerError(`ledger ${what} failed on table ${tableName}`, { cause: error });
    }
  }

  async function get(key: ItemKey): Promise<StoredItem | undefined> {
    const output = await send('read', () =>
      doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true })),
    );
    return output.Item ? readStoredItem(output.Item) : undefined;
  }

  /** A conditional update; `undefined` when its condition did not hold. */
  async function update(
    key: ItemKey,
    expression: Expression,
    updateExpression: string,
    condition?: string,
  ): Promise<StoredItem | undefined> {
    try {
      const output = await send('write', () =>
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: updateExpression,
            ...(condition ? { ConditionExpression: condition } : {}),
            ExpressionAttributeNames: expression.names,
            ExpressionAttributeValues: expression.values,
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return output.Attributes ? readStoredItem(output.Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  function freshItem(input: ClaimInput, key: ItemKey, now: number): Values {
    return {
      ...key,
      kind: ATTEMPT_KIND,
      bucket: input.bucket,
      objectKey: input.key,
      versionId: input.versionId,
      status: 'in-progress',
      reason: input.reason,
      generation: 0,
      origin: input.versionId,
      claims: 1,
      failures: 0,
      claimedAt: new Date(now).toISOString(),
      leaseUntil: now + leaseMs,
      updatedAt: new Date(now).toISOString(),
      revision: 1,
      expiresAt: expiresAt(now),
    };
  }

  async function putIfAbsent(item: Values): Promise<boolean> {
    try {
      await send('write', () =>
        doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Takes over an expired lease, a failed attempt, or our own earlier copy's marker; `undefined` if another won. */
  async function reclaim(
    stored: StoredItem,
    input: ClaimInput,
    key: ItemKey,
    now: number,
  ): Promise<CopyAttempt | undefined> {
    const expression = new Expression();
    const claims = stored.kind === ATTEMPT_KIND ? stored.attempt.claims + 1 : 1;
    const assignments = expression.assign({
      kind: ATTEMPT_KIND,
      status: 'in-progress',
      reason: input.reason,
      claims,
      claimedAt: new Date(now).toISOString(),
      leaseUntil: now + leaseMs,
      updatedAt: new Date(now).toISOString(),
      revision: stored.revision + 1,
      expiresAt: expiresAt(now),
    });
    if (stored.kind === RESULT_KIND) assignments.push(...expression.assign({ failures: 0 }));
    const condition = expression.sameRevision(stored.revision);
    const updated = await update(key, expression, `SET ${assignments.join(', ')}`, condition);
    if (updated?.kind !== ATTEMPT_KIND) return undefined;
    return updated.attempt;
  }

  type Judgement =
    | { kind: 'duplicate'; attempt: CopyAttempt }
    | { kind: 'limit-reached'; generation: number; origin: string }
    | { kind: 'reclaim' };

  function judge(stored: StoredItem, now: number): Judgement {
    if (stored.kind === ATTEMPT_KIND) {
      const { attempt } = stored;
      if (attempt.status === 'done') return { kind: 'duplicate', attempt };
      if (attempt.status === 'in-progress' && (stored.leaseUntil ?? 0) > now)
        return { kind: 'duplicate', attempt };
    }
    const { generation, origin } = stored.kind === ATTEMPT_KIND ? stored.attempt : stored.marker;
    if (generation >= limit) return { kind: 'limit-reached', generation, origin };
    return { kind: 'reclaim' };
  }

  return {
    async claim(input) {
      checkTarget(input);
      const key = objectVersionKey(input.bucket, input.key, input.versionId);
      const first = freshItem(input, key, clock());
      if (await putIfAbsent(first)) return claimed(first);
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const now = clock();
        const stored = await get(key);
        if (!stored) {
          // Deleted since (TTL): claim it afresh.
          const item = freshItem(input, key, now);
          if (await putIfAbsent(item)) return claimed(item);
          continue;
        }
        const judgement = judge(stored, now);
        switch (judgement.kind) {
          case 'duplicate':
            return { outcome: 'duplicate', attempt: judgement.attempt };
          case 'limit-reached':
            return {
              outcome: 'limit-reached',
              generation: judgement.generation,
              origin: judgement.origin,
              limit,
            };
          case 'reclaim': {
            const attempt = await reclaim(stored, input, key, now);
            if (attempt) return { outcome: 'claimed', attempt };
            break;
          }
          default: {
            const exhaustive: never = judgement;
            throw new LedgerStateError(`unhandled judgement ${JSON.stringify(exhaustive)}`);
          }
        }
      }
      throw new LedgerConflictError(
        `could not settle the claim for ${where(input)} after ${MAX_ROUNDS} rounds`,
      );
    },

    async complete(input) {
      checkTarget(input);
      const key = objectVersionKey(input.bucket, input.key, input.versionId);
      const stored = await get(key);
      if (stored?.kind !== ATTEMPT_KIND) {
        throw new LedgerStateError(`no claimed copy attempt for ${where(input)} to complete`);
      }
      const now = clock();
      const { attempt } = stored;
      // The marker first: if we crash after it, the attempt's lease expires and a re-claim finds the copied
      // version no longer current (copy in place refuses); the other order could let our copy be copied again.
      if (input.newVersionId !== undefined && input.newVersionId !== input.versionId) {
        const expression = new Expression();
        const kind = expression.name('kind');
        const revision = expression.name('revision');
        const assignments = [
          `${kind} = if_not_exists(${kind}, ${expression.value(RESULT_KIND)})`,
          `${revision} = if_not_exists(${revision}, ${expression.value(0)}) + ${expression.value(1)}`,
          ...expression.assign({
            bucket: input.bucket,
            objectKey: input.key,
            versionId: input.newVersionId,
            generation: attempt.generation + 1,
            origin: attempt.origin,
            copiedFrom: input.versionId,
            updatedAt: new Date(now).toISOString(),
            expiresAt: expiresAt(now),
          }),
        ];
        await update(
          objectVersionKey(input.bucket, input.key, input.newVersionId),
          expression,
          `SET ${assignments.join(', ')}`,
        );
      }
      const expression = new Expression();
      const assignments = expression.assign({
        status: 'done',
        completedAt: new Date(now).toISOString(),
        requests: input.requests,
        updatedAt: new Date(now).toISOString(),
        revision: stored.revision + 1,
        expiresAt: expiresAt(now),
        ...(input.newVersionId === undefined ? {} : { newVersionId: input.newVersionId }),
      });
      const condition = `${expression.name('kind')} = ${expression.value(ATTEMPT_KIND)}`;
      const updated = await update(
        key,
        expression,
        `SET ${assignments.join(', ')} REMOVE ${expression.name('leaseUntil')}`,
        condition,
      );
      if (updated?.kind !== ATTEMPT_KIND) {
        throw new LedgerStateError(
          `the copy attempt for ${where(input)} disappeared before it was completed`,
        );
      }
      return updated.attempt;
    },

    async fail(input: FailInput): Promise<FailResult> {
      checkTarget(input);
      const key = objectVersionKey(input.bucket, input.key, input.versionId);
      const now = clock();
      const expression = new Expression();
      const failures = expression.name('failures');
      const revision = expression.name('revision');
      const zero = expression.value(0);
      const one = expression.value(1);
      const assignments = [
        `${failures} = if_not_exists(${failures}, ${zero}) + ${one}`,
        `${revision} = if_not_exists(${revision}, ${zero}) + ${one}`,
        ...expression.assign({
          status: 'failed',
          lastError: describeError(input.error),
          updatedAt: new Date(now).toISOString(),
          expiresAt: expiresAt(now),
        }),
      ];
      // Only a running attempt fails: a late failure report must not undo a copy another worker finished,
      // nor release a lease another worker took over.
      const condition = [
        `${expression.name('kind')} = ${expression.value(ATTEMPT_KIND)}`,
        `${expression.name('status')} = ${expression.value('in-progress')}`,
        ...(input.claim === undefined
          ? []
          : [`${expression.name('claims')} = ${expression.value(input.claim)}`]),
      ].join(' AND ');
      const updated = await update(
        key,
        expression,
        `SET ${assignments.join(', ')} REMOVE ${expression.name('leaseUntil')}`,
        condition,
      );
      if (updated?.kind !== ATTEMPT_KIND) return { outcome: 'not-in-progress' };
      return { outcome: 'recorded', attempt: updated.attempt };
    },

    async read(target): Promise<LedgerEntry | undefined> {
      checkTarget(target);
      const stored = await get(objectVersionKey(target.bucket, target.key, target.versionId));
      if (!stored) return undefined;
      return stored.kind === ATTEMPT_KIND
        ? { kind: 'copy-attempt', attempt: stored.attempt }
        : { kind: 'copy-result', marker: stored.marker };
    },
  };
}

function claimed(item: Values): ClaimResult {
  const stored = readStoredItem(item);
  if (stored.kind !== ATTEMPT_KIND) throw new LedgerStateError('a fresh claim must be a copy attempt');
  return { outcome: 'claimed', attempt: stored.attempt };
}
