import { randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CopyTarget,
  executeCopyInPlace,
  planCopyInPlace,
} from '../../shared/remediation/copy-in-place.js';
import { encodeCopySource } from '../../shared/remediation/copy-source.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import { instantPacer } from './copy-fixtures.js';

let server: RunningS3rver;

beforeAll(async () => {
  server = await startS3rver();
});

afterAll(async () => {
  await server?.stop();
});

const KEYS = [
  'a/b c+d/é.txt',
  '100% real/x+y=z&w;v.bin',
  'deep/nested/path/日本語 ファイル.json',
  "it's (1)!*~.txt",
  'plain.txt',
];

/** An object with every attribute a copy in place must keep, including values that are easy to mangle. */
async function putRichObject(key: string): Promise<void> {
  await server.client.send(
    new PutObjectCommand({
      Bucket: server.bucket,
      Key: key,
      Body: randomBytes(4096),
      ContentType: 'application/vnd.example+json; charset=utf-8',
      CacheControl: 'public, max-age=31536000, immutable',
      ContentDisposition: "attachment; filename*=UTF-8''%E6%97%A5%E6%9C%AC.json",
      ContentEncoding: 'identity',
      ContentLanguage: 'fr-CA, en',
      Expires: new Date('2031-02-03T04:05:06.000Z'),
      Metadata: {
        'Mixed-Case': 'Value With  Two  Spaces',
        // How S3 returns non-ASCII metadata (RFC 2047): must come back exactly like this.
        unicode: '=?UTF-8?B?5pel5pys6Kqe44Gu5YCk?=',
        symbols: 'a+b=c&d%20e;f',
        empty: '',
      },
      WebsiteRedirectLocation: '/elsewhere/page.html?x=1',
      StorageClass: 'STANDARD_IA',
    }),
  );
  await server.client.send(
    new PutObjectTaggingCommand({
      Bucket: server.bucket,
      Key: key,
      Tagging: {
        TagSet: [
          { Key: 'project', Value: 'replication doctor' },
          { Key: 'année', Value: 'deux mille vingt-quatre' },
          { Key: 'symbols', Value: 'a+b=c' },
        ],
      },
    }),
  );
}

/** Everything a reader can see of the object, minus what any write changes. */
async function observe(key: string) {
  const {
    $metadata: _m,
    LastModified: _l,
    ...head
  } = await server.client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: key }));
  const tags = await server.client.send(new GetObjectTaggingCommand({ Bucket: server.bucket, Key: key }));
  const object = await server.client.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }));
  const body = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
  return { head, tags: tags.TagSet, body };
}

const copyEvents = (key: string) =>
  server.events.filter((event) => event.eventName === 'ObjectCreated:Copy' && event.key === key);

describe('copy in place against a real S3 server (s3rver over HTTP)', () => {
  it.each(KEYS)(
    'keeps headers, metadata, tags, redirect, storage class and body byte for byte: %s',
    async (key) => {
      // Prepare
      await putRichObject(key);
      const before = await observe(key);
      const pacer = instantPacer();

      // Act
      const plan = await planCopyInPlace(server.client, { bucket: server.bucket, key }, { pacer });
      if (plan.kind !== 'copy') throw new Error(`refused: ${plan.reason}`);
      const result = await executeCopyInPlace(server.client, plan, { pacer });

      // Assess: the copy really happened, and nothing a reader sees changed
      expect(result).toMatchObject({ method: 'single', requests: 1 });
      expect(copyEvents(key)).toHaveLength(1);
      const after = await observe(key);
      expect(after.head).toEqual(before.head);
      expect(after.tags).toEqual(before.tags);
      expect(after.body.equals(before.body)).toBe(true);
      expect(after.head.Metadata).toEqual({
        'mixed-case': 'Value With  Two  Spaces',
        unicode: '=?UTF-8?B?5pel5pys6Kqe44Gu5YCk?=',
        symbols: 'a+b=c&d%20e;f',
        empty: '',
      });
    },
  );

  it('would lose those attributes with a plain REPLACE self-copy, so the comparison above can fail', async () => {
    // Prepare
    const key = 'control/naive copy.txt';
    await putRichObject(key);
    const before = await observe(key);

    // Act: what a naive "touch" does
    await server.client.send(
      new CopyObjectCommand({
        Bucket: server.bucket,
        Key: key,
        CopySource: encodeCopySource(server.bucket, key),
        MetadataDirective: 'REPLACE',
      }),
    );

    // Assess
    const after = await observe(key);
    expect(after.head.Metadata).toEqual({});
    expect(after.head.WebsiteRedirectLocation).toBeUndefined();
    expect(after.head.StorageClass).not.toBe(before.head.StorageClass);
    expect(after.head.ContentType).not.toBe(before.head.ContentType);
  });

  it('copies the current object when no version is named, which is how a bucket without versioning works', async () => {
    // Prepare: s3rver has no versioning, so HeadObject reports no version id
    const key = 'unversioned/report.csv';
    await putRichObject(key);

    // Act
    const plan = await planCopyInPlace(
      server.client,
      { bucket: server.bucket, key },
      { pacer: instantPacer() },
    );

    // Assess: nothing to compare, nothing to pin
    expect(plan.kind === 'copy' && plan.request.CopySource).toBe(`${server.bucket}/unversioned/report.csv`);
  });

  it('refuses a named version when the server reports none, and copies nothing', async () => {
    const key = 'unversioned/named.csv';
    await putRichObject(key);
    const target: CopyTarget = { bucket: server.bucket, key, versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY' };

    const plan = await planCopyInPlace(server.client, target, { pacer: instantPacer() });

    expect(plan).toMatchObject({ kind: 'refuse', code: 'not-current-version' });
    expect(copyEvents(key)).toHaveLength(0);
  });

  it('refuses a key that does not exist as gone, from the real 404 of a HEAD', async () => {
    const plan = await planCopyInPlace(
      server.client,
      { bucket: server.bucket, key: 'no/such key.txt' },
      { pacer: instantPacer() },
    );

    expect(plan).toMatchObject({ kind: 'refuse', code: 'gone', reads: 1 });
  });
});
