/**
 * Many items at once: BatchWriteItem 25 per call and BatchGetItem 100 per call (DynamoDB's limits), a few
 * calls at a time. Items DynamoDB leaves unprocessed (throttling) are sent again with exponential backoff;
 * past the bound the call fails with a typed error so the records are retried from their queue rather than
 * half-recorded without anyone knowing.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Values } from '../ledger/update-expression.js';
import { runPool } from '../run-pool.js';
import { IncidentStoreError } from './errors.js';

export const BATCH_WRITE_LIMIT = 25;
export const BATCH_GET_LIMIT = 100;

export interface BatchWriteOptions {
  /** Calls in flight at once. */
  concurrency: number;
  /** Calls per chunk, the first included, before giving up on unprocessed items. */
  maxAttempts: number;
  /** First backoff; doubled on every retry, capped at `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_BATCH_WRITE: BatchWriteOptions = {
  concurrency: 4,
  maxAttempts: 8,
  baseDelayMs: 50,
  maxDelayMs: 2_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

type WriteRequest = { PutRequest: { Item: Values } };

/**
 * Sends `first`, then whatever DynamoDB leaves unprocessed, with exponential backoff, up to
 * `options.maxAttempts` calls. `send` returns what is left; `what` words the errors.
 */
async function untilProcessed<T>(
  first: T[],
  options: BatchWriteOptions,
  what: { failed: string; left: (count: number, attempts: number) => string },
  send: (pending: T[]) => Promise<T[]>,
): Promise<void> {
  let pending = first;
  for (let attempt = 1; ; attempt += 1) {
    let unprocessed: T[];
    try {
      unprocessed = await send(pending);
    } catch (error) {
      throw new IncidentStoreError(what.failed, { cause: error });
    }
    if (unprocessed.length === 0) return;
    if (attempt >= options.maxAttempts) throw new IncidentStoreError(what.left(unprocessed.length, attempt));
    pending = unprocessed;
    await options.sleep(Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1)));
  }
}

async function writeChunk(
  doc: DynamoDBDocumentClient,
  table: string,
  items: Values[],
  options: BatchWriteOptions,
): Promise<void> {
  const requests: WriteRequest[] = items.map((item) => ({ PutRequest: { Item: item } }));
  const what = {
    failed: `writing incident objects to table ${table} failed`,
    left: (count: number, attempts: number) =>
      `${count} incident objects were still unprocessed by table ${table} after ${attempts} attempts`,
  };
  await untilProcessed(requests, options, what, async (pending) => {
    const output = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    return (output.UnprocessedItems?.[table] ?? []) as WriteRequest[];
  });
}

export async function putInBatches(
  doc: DynamoDBDocumentClient,
  table: string,
  items: readonly Values[],
  options: BatchWriteOptions,
): Promise<void> {
  await runPool(chunked(items, BATCH_WRITE_LIMIT), options.concurrency, (chunk) =>
    writeChunk(doc, table, chunk, options),
  );
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

async function getChunk(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: Values[],
  options: BatchWriteOptions,
): Promise<Values[]> {
  const found: Values[] = [];
  const what = {
    failed: `reading incident objects from table ${table} failed`,
    left: (count: number, attempts: number) =>
      `${count} incident objects were still unread by table ${table} after ${attempts} attempts`,
  };
  await untilProcessed(keys, options, what, async (pending) => {
    const output = await doc.send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
    );
    found.push(...((output.Responses?.[table] ?? []) as Values[]));
    return (output.UnprocessedKeys?.[table]?.Keys ?? []) as Values[];
  });
  return found;
}

/** The items of these keys that exist, in no particular order. */
export async function getInBatches(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly Values[],
  options: BatchWriteOptions,
): Promise<Values[]> {
  const found: Values[] = [];
  await runPool(chunked(keys, BATCH_GET_LIMIT), options.concurrency, async (chunk) => {
    found.push(...(await getChunk(doc, table, chunk, options)));
  });
  return found;
}
