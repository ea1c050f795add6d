/** The scheduled audit's environment, read once at start; a missing required variable fails with its name. */
import { ConfigError, type Mode, parseMode } from '../config.js';

export interface AuditConfig {
  region: string;
  ledgerTable: string;
  topicArn: string;
  /** The enrolled buckets; empty: every replicated bucket of the account. */
  sourceBuckets: string[];
  /** The intake queue a bucket must send its replication events to; absent: any queue counts. */
  intakeQueueArn?: string;
  destinationReadRoleArn?: string;
  mode: Mode;
  slackSecret?: string;
  slackChannel?: string;
  webhookSecret?: string;
}

type Env = Record<string, string | undefined>;

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (!value) throw new ConfigError(`missing required environment variable ${name}`);
  return value;
}

export function loadAuditConfig(env: Env): AuditConfig {
  const optionalFields = {
    intakeQueueArn: optional(env, 'INTAKE_QUEUE_ARN'),
    destinationReadRoleArn: optional(env, 'DESTINATION_READ_ROLE_ARN'),
    slackSecret: optional(env, 'SLACK_SECRET'),
    slackChannel: optional(env, 'SLACK_CHANNEL'),
    webhookSecret: optional(env, 'WEBHOOK_SECRET'),
  };
  return {
    region: required(env, 'AWS_REGION'),
    ledgerTable: required(env, 'LEDGER_TABLE'),
    topicArn: required(env, 'TOPIC_ARN'),
    sourceBuckets: (optional(env, 'SOURCE_BUCKETS') ?? '')
      .split(',')
      .map((bucket) => bucket.trim())
      .filter((bucket) => bucket.length > 0),
    mode: parseMode(optional(env, 'MODE')),
    ...Object.fromEntries(Object.entries(optionalFields).filter(([, value]) => value !== undefined)),
  };
}
