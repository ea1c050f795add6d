/**
 * Every environment variable a function reads, read once at start. A missing required one fails fast
 * with its name, before any record is touched.
 */

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Mode = 'plan' | 'auto';

export interface DiagnoseConfig {
  region: string;
  eventBusName: string;
  /** Where records that cannot be handled go, with the reason. */
  deadLetterQueueUrl: string;
  mode: Mode;
  /** A role in the destination account the diagnoser may assume to read its bucket and key policies. */
  destinationReadRoleArn?: string;
  /** How long a read (role, policy, key, bucket setting) is reused: a fix is seen within this time. */
  cacheTtlMs: number;
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`missing required environment variable ${name}`);
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function parseMode(value: string | undefined): Mode {
  if (value === undefined || value === 'plan') return 'plan';
  if (value === 'auto') return 'auto';
  throw new ConfigError(`MODE must be "plan" or "auto", got "${value}"`);
}

function nonNegativeInt(env: Env, name: string, fallback: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new ConfigError(`${name} must be a whole number >= 0, got "${raw}"`);
  return value;
}

export function loadDiagnoseConfig(env: Env): DiagnoseConfig {
  const destinationReadRoleArn = optional(env, 'DESTINATION_READ_ROLE_ARN');
  return {
    region: required(env, 'AWS_REGION'),
    eventBusName: required(env, 'EVENT_BUS_NAME'),
    deadLetterQueueUrl: required(env, 'DEAD_LETTER_QUEUE_URL'),
    mode: parseMode(optional(env, 'MODE')),
    ...(destinationReadRoleArn ? { destinationReadRoleArn } : {}),
    cacheTtlMs: nonNegativeInt(env, 'READ_CACHE_TTL_MS', 30_000),
  };
}

/** What the act and sweep functions share: where they notify, the ledger, the mode, how they copy. */
export interface ActionConfig {
  region: string;
  topicArn: string;
  ledgerTable: string;
  modeParameterName: string;
  /** The deployed settings: what a missing mode parameter means, and the classes a plain `auto` opts in. */
  fallbackMode: Mode;
  autoRetrigger: string[];
  maxCopiesPerObject: number;
  copyRatePerSecond: number;
  /** An open incident's Slack message is edited at most this often. */
  slackUpdateIntervalMs: number;
  slackSecret?: string;
  slackChannel?: string;
  webhookSecret?: string;
  destinationReadRoleArn?: string;
}

function list(env: Env, name: string): string[] {
  return (optional(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const value = nonNegativeInt(env, name, fallback);
  if (value < 1) throw new ConfigError(`${name} must be at least 1, got "${env[name]}"`);
  return value;
}

export interface ActConfig extends ActionConfig {
  /** Where diagnoses that cannot be read go, with the reason. */
  deadLetterQueueUrl: string;
}

function loadActionConfig(env: Env): ActionConfig {
  const slackSecret = optional(env, 'SLACK_SECRET');
  const slackChannel = optional(env, 'SLACK_CHANNEL');
  const webhookSecret = optional(env, 'WEBHOOK_SECRET');
  const destinationReadRoleArn = optional(env, 'DESTINATION_READ_ROLE_ARN');
  return {
    region: required(env, 'AWS_REGION'),
    topicArn: required(env, 'TOPIC_ARN'),
    ledgerTable: required(env, 'LEDGER_TABLE'),
    modeParameterName: required(env, 'MODE_PARAMETER_NAME'),
    fallbackMode: parseMode(optional(env, 'MODE')),
    autoRetrigger: list(env, 'AUTO_RETRIGGER'),
    maxCopiesPerObject: positiveInt(env, 'MAX_COPIES_PER_OBJECT', 1),
    copyRatePerSecond: positiveInt(env, 'COPY_RATE_PER_SECOND', 50),
    slackUpdateIntervalMs: nonNegativeInt(env, 'SLACK_UPDATE_INTERVAL_SECONDS', 300) * 1000,
    ...(slackSecret ? { slackSecret } : {}),
    ...(slackChannel ? { slackChannel } : {}),
    ...(webhookSecret ? { webhookSecret } : {}),
    ...(destinationReadRoleArn ? { destinationReadRoleArn } : {}),
  };
}

export function loadActConfig(env: Env): ActConfig {
  return { ...loadActionConfig(env), deadLetterQueueUrl: required(env, 'DEAD_LETTER_QUEUE_URL') };
}

export interface SweepConfig extends ActionConfig {
  /** Up to this many objects an incident is re-driven by copies in place; above, by one Batch Replication job. */
  copyThreshold: number;
  /** SNS gets a still-open digest of an incident at most this often. */
  digestIntervalMs: number;
  /** Re-driven objects whose replication status is read before an incident is resolved. */
  spotCheck: number;
}

export function loadSweepConfig(env: Env): SweepConfig {
  // The sweep has no queue of its own to dead-letter to: a failed sweep goes to Lambda's failure destination.
  return {
    ...loadActionConfig(env),
    copyThreshold: nonNegativeInt(env, 'COPY_THRESHOLD', 1000),
    digestIntervalMs: nonNegativeInt(env, 'DIGEST_INTERVAL_SECONDS', 3600) * 1000,
    spotCheck: positiveInt(env, 'SPOT_CHECK', 5),
  };
}

/** The Batch Replication job runner: the incident table, and where and how jobs run. */
export interface BatchJobsConfig {
  region: string;
  ledgerTable: string;
  accountId: string;
  /** Manifests under `manifests/`, completion reports under `reports/`. */
  redriveBucket: string;
  /** The role S3 Batch Operations assumes to replicate. */
  batchRoleArn: string;
}

export function loadBatchJobsConfig(env: Env): BatchJobsConfig {
  return {
    region: required(env, 'AWS_REGION'),
    ledgerTable: required(env, 'LEDGER_TABLE'),
    accountId: required(env, 'ACCOUNT_ID'),
    redriveBucket: required(env, 'REDRIVE_BUCKET'),
    batchRoleArn: required(env, 'BATCH_ROLE_ARN'),
  };
}
