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
