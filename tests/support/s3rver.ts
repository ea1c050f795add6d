/**
 * A real S3-compatible server (s3rver) in this process, on loopback, with a fresh directory: requests go
 * through the SDK's whole HTTP stack (signing, header serialisation, XML parsing), not a mock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

export const S3RVER_BUCKET = 'bucket';

interface KoaContext {
  headers: Record<string, string | string[] | undefined>;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/** The slice of s3rver's API used here (it ships no type declarations). */
interface S3rverServer {
  middleware: KoaMiddleware[];
  on(event: 'event', listener: (event: S3rverEvent) => void): void;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
interface S3rverEvent {
  Records: { eventName: string; s3: { object: { key: string } } }[];
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverServer;

/** An object event s3rver emitted, like S3's notifications: `ObjectCreated:Copy` for a copy. */
export interface ObjectEvent {
  eventName: string;
  key: string;
}

export interface RunningS3rver {
  endpoint: string;
  client: S3Client;
  bucket: string;
  /** Every object event since start, in order. */
  events: ObjectEvent[];
  stop(): Promise<void>;
}

/**
 * S3 percent-decodes `x-amz-copy-source` fully; s3rver 3.7 applies `decodeURI`, which leaves escapes of
 * reserved characters (`%2B` for `+`, `%3A`, `%24`...) undecoded, so it cannot find such keys. This
 * rewrites the header, before s3rver sees it, into the form its `decodeURI` turns into what S3 would
 * decode: the test then checks our S3-correct encoding, not s3rver's gap. (No signature breaks: s3rver does
 * not verify SigV4.)
 */
const decodeCopySourceLikeS3: KoaMiddleware = async (ctx, next) => {
  const header = ctx.headers['x-amz-copy-source'];
  if (typeof header === 'string') {
    const [path = '', query] = header.split('?', 2);
    const decoded = path.split('/').map(decodeURIComponent).join('/');
    ctx.headers['x-amz-copy-source'] = encodeURI(decoded) + (query === undefined ? '' : `?${query}`);
  }
  await next();
};

export async function startS3rver(): Promise<RunningS3rver> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const require = createRequire(import.meta.url);
  const S3rver = require('s3rver') as S3rverClass;
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: S3RVER_BUCKET }],
  });
  // Koa composes its middleware when the server starts, so this runs first.
  server.middleware.unshift(decodeCopySourceLikeS3);
  const events: ObjectEvent[] = [];
  server.on('event', (event) => {
    for (const record of event.Records)
      events.push({ eventName: record.eventName, key: record.s3.object.key });
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    endpoint,
    client,
    bucket: S3RVER_BUCKET,
    events,
    async stop() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
