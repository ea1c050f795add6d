/**
 * The account-wide reads the audit needs beyond the diagnosis port: which buckets exist, and where each
 * sends its events. Same `AwsCaller` seam, so a snapshot answers them as the live account does
 * (records `S3 ListBuckets {}` and `S3 GetBucketNotificationConfiguration {Bucket}`).
 */
import { createCallReader } from '../aws/call-reader.js';
import type { AwsCaller } from '../aws/caller.js';
import { isPlainObject } from '../aws/json-values.js';
import type { Read } from '../diagnosis/reads.js';

export interface QueueNotification {
  id?: string;
  queueArn: string;
  events: string[];
  /** `prefix`/`suffix` key filter rules, when the configuration narrows the events. */
  filterRules: { name: string; value: string }[];
}

export interface NotificationSettings {
  queues: QueueNotification[];
  /** Events also go to EventBridge (the bucket's `EventBridgeConfiguration`). */
  eventBridge: boolean;
}

export interface AccountReads {
  listBuckets(): Promise<Read<string[]>>;
  getBucketNotificationConfiguration(bucket: string): Promise<Read<NotificationSettings>>;
}

/** Beyond this many pages ListBuckets is treated as unreadable rather than followed forever. */
const MAX_PAGES = 1_000;

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

function filterRulesOf(filter: unknown): { name: string; value: string }[] {
  if (!isPlainObject(filter) || !isPlainObject(filter.Key)) return [];
  const rules = filter.Key.FilterRules;
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((rule) =>
    isPlainObject(rule) && typeof rule.Name === 'string' && typeof rule.Value === 'string'
      ? [{ name: rule.Name.toLowerCase(), value: rule.Value }]
      : [],
  );
}

export function toNotificationSettings(output: Record<string, unknown>): NotificationSettings {
  const queues = Array.isArray(output.QueueConfigurations) ? output.QueueConfigurations : [];
  return {
    queues: queues.flatMap((entry): QueueNotification[] => {
      if (!isPlainObject(entry) || typeof entry.QueueArn !== 'string') return [];
      return [
        {
          ...(typeof entry.Id === 'string' ? { id: entry.Id } : {}),
          queueArn: entry.QueueArn,
          events: strings(entry.Events),
          filterRules: filterRulesOf(entry.Filter),
        },
      ];
    }),
    eventBridge: output.EventBridgeConfiguration !== undefined,
  };
}

export function createAccountReads(caller: AwsCaller, options: { region?: string } = {}): AccountReads {
  // Fresh on every audit: a scheduled audit must see a fix made a minute ago.
  const calls = createCallReader(caller, { cacheTtlMs: 0 });
  const route = options.region === undefined ? {} : { region: options.region };
  return {
    async listBuckets() {
      const names: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const outcome = await calls.read(
          'S3',
          'ListBuckets',
          token ? { ContinuationToken: token } : {},
          route,
        );
        if (outcome.status !== 'ok')
          return { status: outcome.status === 'absent' ? 'denied' : outcome.status, error: outcome.error };
        const buckets = Array.isArray(outcome.output.Buckets) ? outcome.output.Buckets : [];
        for (const bucket of buckets)
          if (isPlainObject(bucket) && typeof bucket.Name === 'string') names.push(bucket.Name);
        const next = outcome.output.ContinuationToken;
        if (typeof next !== 'string' || next === '' || next === token) return { status: 'ok', value: names };
        token = next;
      }
      return { status: 'denied', error: `S3 ListBuckets returned more than ${MAX_PAGES} pages` };
    },
    async getBucketNotificationConfiguration(bucket) {
      const outcome = await calls.read('S3', 'GetBucketNotificationConfiguration', { Bucket: bucket }, route);
      switch (outcome.status) {
        case 'ok':
          return { status: 'ok', value: toNotificationSettings(outcome.output) };
        case 'absent':
          return { status: 'ok', value: { queues: [], eventBridge: false } };
        case 'not-found':
        case 'denied':
          return { status: outcome.status, error: outcome.error };
        default: {
          const unhandled: never = outcome;
          throw new TypeError(`unhandled outcome ${JSON.stringify(unhandled)}`);
        }
      }
    },
  };
}
