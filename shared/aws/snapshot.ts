/**
 * Account snapshots: the answers an account gave to a diagnosis's read calls, replayable anywhere.
 * The format (`s3-replication-snapshot/v1`) is fixed; readers accept unknown optional fields.
 */
import { readFile } from 'node:fs/promises';
import { AWS_SERVICES, type AwsService } from './caller.js';
import { isPlainObject } from './json-values.js';

export const SNAPSHOT_FORMAT = 's3-replication-snapshot/v1';

/** A recorded error, thrown on replay like the SDK's service exceptions. */
export interface SnapshotError {
  name: string;
  message: string;
  httpStatusCode?: number;
}

interface SnapshotCallBase {
  service: AwsService;
  command: string;
  /** The call matches only a client of this region. */
  region?: string;
  /** The fields the real input must carry, with equal values (subset match). */
  input: Record<string, unknown>;
}

export type SnapshotCall =
  | (SnapshotCallBase & { output: Record<string, unknown>; error?: undefined })
  | (SnapshotCallBase & { error: SnapshotError; output?: undefined });

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  description?: string;
  calls: SnapshotCall[];
}

/** A snapshot file that cannot be used; the message names the file and the field at fault. */
export class SnapshotFormatError extends Error {
  override readonly name = 'SnapshotFormatError';
}

/** Validates a parsed snapshot document. `source` (a file name) prefixes every error message. */
export function parseSnapshot(json: unknown, source = 'snapshot'): Snapshot {
  const fail = (message: string): never => {
    throw new SnapshotFormatError(`${source}: ${message}`);
  };
  if (!isPlainObject(json)) return fail('must be a JSON object');
  if (json.format !== SNAPSHOT_FORMAT) {
    return fail(`"format" must be "${SNAPSHOT_FORMAT}", got ${describe(json.format)}`);
  }
  if (json.description !== undefined && typeof json.description !== 'string') {
    return fail(`"description" must be a string, got ${describe(json.description)}`);
  }
  if (!Array.isArray(json.calls)) return fail(`"calls" must be an array, got ${describe(json.calls)}`);
  const calls = json.calls.map((call: unknown, index) => parseCall(call, `calls[${index}]`, fail));
  return {
    format: SNAPSHOT_FORMAT,
    ...(typeof json.description === 'string' ? { description: json.description } : {}),
    calls,
  };
}

function parseCall(call: unknown, at: string, fail: (message: string) => never): SnapshotCall {
  if (!isPlainObject(call)) return fail(`${at} must be an object, got ${describe(call)}`);
  const { service, command, region, input, output, error } = call;
  if (typeof service !== 'string' || !isAwsService(service)) {
    return fail(`${at}.service must be one of ${AWS_SERVICES.join(', ')}, got ${describe(service)}`);
  }
  if (typeof command !== 'string' || command.length === 0) {
    return fail(`${at}.command must be a non-empty string, got ${describe(command)}`);
  }
  if (region !== undefined && (typeof region !== 'string' || region.length === 0)) {
    return fail(`${at}.region must be a non-empty string when present, got ${describe(region)}`);
  }
  if (!isPlainObject(input)) return fail(`${at}.input must be an object, got ${describe(input)}`);
  const base: SnapshotCallBase = {
    service,
    command,
    input,
    ...(typeof region === 'string' ? { region } : {}),
  };
  if ((output === undefined) === (error === undefined)) {
    return fail(`${at} must have exactly one of "output" or "error" (${service} ${command})`);
  }
  if (output !== undefined) {
    if (!isPlainObject(output)) return fail(`${at}.output must be an object, got ${describe(output)}`);
    return { ...base, output };
  }
  return { ...base, error: parseError(error, `${at}.error`, fail) };
}

function parseError(error: unknown, at: string, fail: (message: string) => never): SnapshotError {
  if (!isPlainObject(error)) return fail(`${at} must be an object, got ${describe(error)}`);
  const { name, message, httpStatusCode } = error;
  if (typeof name !== 'string' || name.length === 0) {
    return fail(`${at}.name must be a non-empty string, got ${describe(name)}`);
  }
  if (message !== undefined && typeof message !== 'string') {
    return fail(`${at}.message must be a string, got ${describe(message)}`);
  }
  if (
    httpStatusCode !== undefined &&
    (typeof httpStatusCode !== 'number' ||
      !Number.isInteger(httpStatusCode) ||
      httpStatusCode < 100 ||
      httpStatusCode > 599)
  ) {
    return fail(`${at}.httpStatusCode must be an HTTP status code, got ${describe(httpStatusCode)}`);
  }
  return {
    name,
    message: message ?? name,
    ...(typeof httpStatusCode === 'number' ? { httpStatusCode } : {}),
  };
}

/** Reads and validates a snapshot file; a missing, unreadable or non-JSON file is a `SnapshotFormatError` too. */
export async function readSnapshotFile(path: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : 'cannot be read';
    throw new SnapshotFormatError(`${path}: ${why}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SnapshotFormatError(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return parseSnapshot(json, path);
}

function isAwsService(value: string): value is AwsService {
  return (AWS_SERVICES as readonly string[]).includes(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
