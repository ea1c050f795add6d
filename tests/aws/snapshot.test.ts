import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, readSnapshotFile, SnapshotFormatError } from '../../shared/aws/index.js';
import { SOURCE_BUCKET } from './seed.js';

const valid = {
  format: 's3-replication-snapshot/v1',
  description: 'seed setup',
  calls: [
    {
      service: 'S3',
      command: 'GetBucketVersioning',
      input: { Bucket: SOURCE_BUCKET },
      output: { Status: 'Enabled' },
      annotation: 'optional fields added later are accepted',
    },
    {
      service: 'S3',
      command: 'GetBucketPolicy',
      region: 'us-east-1',
      input: { Bucket: SOURCE_BUCKET },
      error: { name: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist', httpStatusCode: 404 },
    },
  ],
};

function withCall(call: unknown): unknown {
  return { ...valid, calls: [valid.calls[0], call] };
}

function formatError(json: unknown): string {
  try {
    parseSnapshot(json, 'case.json');
  } catch (error) {
    expect(error).toBeInstanceOf(SnapshotFormatError);
    return (error as Error).message;
  }
  throw new Error('expected a SnapshotFormatError');
}

describe('parseSnapshot', () => {
  it('accepts a contract snapshot and keeps description, region and error status', () => {
    const snapshot = parseSnapshot(valid, 'seed.json');

    expect(snapshot.description).toBe('seed setup');
    expect(snapshot.calls).toHaveLength(2);
    expect(snapshot.calls[1]).toMatchObject({
      region: 'us-east-1',
      error: { name: 'NoSuchBucketPolicy', httpStatusCode: 404 },
    });
  });

  it('names the file and the format field when the format string is wrong', () => {
    expect(formatError({ ...valid, format: 's3-replication-snapshot/v2' })).toMatch(
      /^case\.json: "format" must be "s3-replication-snapshot\/v1", got "s3-replication-snapshot\/v2"/,
    );
  });

  it('rejects a document that is not an object', () => {
    expect(formatError([])).toBe('case.json: must be a JSON object');
  });

  it('rejects calls that are not an array', () => {
    expect(formatError({ ...valid, calls: {} })).toBe('case.json: "calls" must be an array, got an object');
  });

  it('names the call index when the service is not an SDK client name', () => {
    expect(formatError(withCall({ service: 's3', command: 'HeadObject', input: {}, output: {} }))).toMatch(
      /^case\.json: calls\[1\]\.service must be one of S3, IAM, KMS/,
    );
  });

  it('rejects a call without a command', () => {
    expect(formatError(withCall({ service: 'S3', input: {}, output: {} }))).toBe(
      'case.json: calls[1].command must be a non-empty string, got nothing',
    );
  });

  it('rejects a call whose input is not an object', () => {
    expect(formatError(withCall({ service: 'S3', command: 'HeadObject', input: 'x', output: {} }))).toBe(
      'case.json: calls[1].input must be an object, got "x"',
    );
  });

  it('rejects a call with both output and error', () => {
    const call = { service: 'S3', command: 'HeadObject', input: {}, output: {}, error: { name: 'NotFound' } };
    expect(formatError(withCall(call))).toBe(
      'case.json: calls[1] must have exactly one of "output" or "error" (S3 HeadObject)',
    );
  });

  it('rejects a call with neither output nor error', () => {
    expect(formatError(withCall({ service: 'S3', command: 'HeadObject', input: {} }))).toMatch(
      /calls\[1\] must have exactly one of "output" or "error"/,
    );
  });

  it('rejects an error without a name', () => {
    const call = { service: 'IAM', command: 'GetRole', input: {}, error: { message: 'denied' } };
    expect(formatError(withCall(call))).toBe(
      'case.json: calls[1].error.name must be a non-empty string, got nothing',
    );
  });

  it('rejects an error status that is not an HTTP status code', () => {
    const call = {
      service: 'IAM',
      command: 'GetRole',
      input: {},
      error: { name: 'AccessDenied', httpStatusCode: '403' },
    };
    expect(formatError(withCall(call))).toMatch(
      /calls\[1\]\.error\.httpStatusCode must be an HTTP status code/,
    );
  });

  it('rejects an empty region', () => {
    const call = { service: 'S3', command: 'HeadObject', region: '', input: {}, output: {} };
    expect(formatError(withCall(call))).toMatch(/calls\[1\]\.region must be a non-empty string/);
  });

  it('defaults a missing error message to the error name', () => {
    const snapshot = parseSnapshot(
      withCall({ service: 'IAM', command: 'GetRole', input: {}, error: { name: 'X' } }),
    );
    expect(snapshot.calls[1]?.error).toEqual({ name: 'X', message: 'X' });
  });
});

describe('readSnapshotFile', () => {
  async function tempFile(content: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'snapshot-'));
    const path = join(dir, 'account.json');
    await writeFile(path, content);
    return path;
  }

  it('reads and validates a snapshot file', async () => {
    const snapshot = await readSnapshotFile(await tempFile(JSON.stringify(valid)));
    expect(snapshot.calls[0]?.command).toBe('GetBucketVersioning');
  });

  it('says the file was not found, naming it', async () => {
    const path = join(tmpdir(), 'no-such-dir-for-snapshots', 'missing.json');
    await expect(readSnapshotFile(path)).rejects.toThrow(new SnapshotFormatError(`${path}: file not found`));
  });

  it('says the file is not JSON, naming it', async () => {
    const path = await tempFile('{"format": ');
    await expect(readSnapshotFile(path)).rejects.toThrow(`${path}: not valid JSON`);
    await expect(readSnapshotFile(path)).rejects.toBeInstanceOf(SnapshotFormatError);
  });

  it('names the file in validation errors', async () => {
    const path = await tempFile(JSON.stringify({ ...valid, calls: 3 }));
    await expect(readSnapshotFile(path)).rejects.toThrow(`${path}: "calls" must be an array, got 3`);
  });
});
