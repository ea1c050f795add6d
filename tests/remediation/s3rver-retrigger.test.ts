import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runRetrigger } from '../../shared/cli/commands/retrigger.js';
import { UsageError } from '../../shared/cli/errors.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';

let server: RunningS3rver;

beforeAll(async () => {
  server = await startS3rver();
});

afterAll(async () => {
  await server?.stop();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) }, out, err };
}

/** Points the CLI's own S3 client at s3rver the way a user would: through the environment. */
function useS3rverEndpoint(): void {
  vi.stubEnv('AWS_ENDPOINT_URL_S3', server.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
}

async function putObject(key: string): Promise<void> {
  await server.client.send(
    new PutObjectCommand({
      Bucket: server.bucket,
      Key: key,
      Body: 'payload',
      ContentType: 'text/csv',
      Metadata: { source: 'ledger export' },
      StorageClass: 'ONEZONE_IA',
    }),
  );
}

const copies = (key: string) =>
  server.events.filter((event) => event.eventName === 'ObjectCreated:Copy' && event.key === key);

describe('the retrigger command', () => {
  it('prints the exact CopyObject request in a dry run and copies nothing', async () => {
    // Prepare
    useS3rverEndpoint();
    const key = 'exports/2024 q1+q2.csv';
    await putObject(key);
    const { io, out } = capture();

    // Act
    const status = await runRetrigger(
      { bucket: server.bucket, key, execute: false, region: 'us-east-1' },
      io,
    );

    // Assess
    expect(status).toBe(0);
    const text = out.join('\n');
    expect(text).toContain(`Would copy s3://${server.bucket}/${key}`);
    expect(text).toContain(`"CopySource": "${server.bucket}/exports/2024%20q1%2Bq2.csv"`);
    expect(text).toContain('"MetadataDirective": "REPLACE"');
    expect(text).toContain('"StorageClass": "ONEZONE_IA"');
    expect(text).toContain('Dry run: nothing was copied');
    expect(copies(key)).toHaveLength(0);
  });

  it('copies with --execute through the endpoint in AWS_ENDPOINT_URL_S3, keeping the metadata', async () => {
    // Prepare
    useS3rverEndpoint();
    const key = 'exports/é/run.csv';
    await putObject(key);
    const { io, out } = capture();

    // Act
    const status = await runRetrigger({ bucket: server.bucket, key, execute: true, region: 'us-east-1' }, io);

    // Assess
    expect(status).toBe(0);
    expect(out.join('\n')).toContain(`Copied s3://${server.bucket}/${key}`);
    expect(copies(key)).toHaveLength(1);
    const head = await server.client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: key }));
    expect(head).toMatchObject({
      ContentType: 'text/csv',
      Metadata: { source: 'ledger export' },
      StorageClass: 'ONEZONE_IA',
    });
  });

  it('prints the refusal and exits 0 when there is nothing safe to copy', async () => {
    useS3rverEndpoint();
    const { io, out } = capture();

    const status = await runRetrigger(
      { bucket: server.bucket, key: 'missing.csv', execute: true, region: 'us-east-1' },
      io,
    );

    expect(status).toBe(0);
    expect(out.join('\n')).toMatch(/^Not copied \(gone\): /);
  });

  it('rejects an empty key or bucket as a usage error', async () => {
    const { io } = capture();

    await expect(runRetrigger({ bucket: server.bucket, key: '', execute: false }, io)).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(runRetrigger({ bucket: ' ', key: 'k', execute: false }, io)).rejects.toBeInstanceOf(
      UsageError,
    );
  });

  it('asks for a region when none is given or set', async () => {
    const { io } = capture();

    await expect(
      runRetrigger({ bucket: server.bucket, key: 'k', execute: false }, io, { env: {} }),
    ).rejects.toThrow('no region');
  });
});
