import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';

export interface BusEntry {
  source: string;
  detailType: string;
  detail: unknown;
  resources?: string[];
}

export interface EventPublisher {
  /** Publishes every entry; resolves with the positions of those that could not be put. */
  publish(entries: BusEntry[]): Promise<{ failedIndexes: number[] }>;
}

// PutEvents takes at most 10 entries and 256 KiB per call.
const MAX_ENTRIES = 10;
const MAX_BYTES = 256 * 1024;

function entrySize(entry: PutEventsRequestEntry): number {
  let size = Buffer.byteLength(entry.Source ?? '') + Buffer.byteLength(entry.DetailType ?? '');
  size += Buffer.byteLength(entry.Detail ?? '');
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource);
  return size;
}

export function createBusPublisher(client: EventBridgeClient, eventBusName: string): EventPublisher {
  return {
    async publish(entries) {
      const failedIndexes: number[] = [];
      const requests = entries.map((entry, index) => {
        const request: PutEventsRequestEntry = {
          EventBusName: eventBusName,
          Source: entry.source,
          DetailType: entry.detailType,
          Detail: JSON.stringify(entry.detail),
          ...(entry.resources ? { Resources: entry.resources } : {}),
        };
        return { index, request, size: entrySize(request) };
      });
      let chunk: typeof requests = [];
      let chunkBytes = 0;
      const flush = async () => {
        if (chunk.length === 0) return;
        const sent = chunk;
        chunk = [];
        chunkBytes = 0;
        try {
          const response = await client.send(
            new PutEventsCommand({ Entries: sent.map((item) => item.request) }),
          );
          response.Entries?.forEach((result, i) => {
            const item = sent[i];
            if (item && result.ErrorCode) failedIndexes.push(item.index);
          });
        } catch {
          // The SDK already retried throttling and 5xx; what is left fails these entries, not the batch.
          failedIndexes.push(...sent.map((item) => item.index));
        }
      };
      for (const item of requests) {
        if (item.size > MAX_BYTES) {
          failedIndexes.push(item.index);
          continue;
        }
        if (chunk.length === MAX_ENTRIES || chunkBytes + item.size > MAX_BYTES) await flush();
        chunk.push(item);
        chunkBytes += item.size;
      }
      await flush();
      return { failedIndexes: failedIndexes.sort((a, b) => a - b) };
    },
  };
}
