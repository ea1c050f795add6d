import { describe, expect, it } from 'vitest';
import { createReplayCaller } from '../../shared/aws/index.js';
import { answer, DESTINATION_BUCKET, failure, SOURCE_BUCKET, snapshotOf } from './seed.js';

async function caught(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected a rejection');
}

describe('createReplayCaller', () => {
  it('answers with a record whose input is a subset of the call input', async () => {
    const caller = createReplayCaller(
      snapshotOf(answer('S3', 'HeadObject', { Bucket: SOURCE_BUCKET, Key: 'a b.jpg' }, { ContentLength: 5 })),
    );

    const output = await caller.send('S3', 'HeadObject', {
      Bucket: SOURCE_BUCKET,
      Key: 'a b.jpg',
      VersionId: 'v1',
    });

    expect(output).toEqual({ ContentLength: 5 });
  });

  it('does not answer when a recorded field differs from the call', async () => {
    const caller = createReplayCaller(
      snapshotOf(answer('S3', 'HeadObject', { Bucket: SOURCE_BUCKET, Key: 'a', VersionId: 'v1' }, {})),
    );

    const error = await caught(
      caller.send('S3', 'HeadObject', { Bucket: SOURCE_BUCKET, Key: 'a', VersionId: 'v2' }),
    );

    expect(error.name).toBe('NotRecorded');
  });

  it('does not answer when the record names a field the call lacks', async () => {
    const caller = createReplayCaller(
      snapshotOf(answer('S3', 'HeadObject', { Bucket: SOURCE_BUCKET, Key: 'a', VersionId: 'v1' }, {})),
    );

    const error = await caught(caller.send('S3', 'HeadObject', { Bucket: SOURCE_BUCKET, Key: 'a' }));

    expect(error.name).toBe('NotRecorded');
  });

  it('compares nested values as JSON, whatever the key order', async () => {
    const caller = createReplayCaller(
      snapshotOf(answer('IAM', 'GetRole', { Filter: { b: [1, { c: true }], a: 'x' } }, { ok: 1 })),
    );

    await expect(caller.send('IAM', 'GetRole', { Filter: { a: 'x', b: [1, { c: true }] } })).resolves.toEqual(
      {
        ok: 1,
      },
    );
  });

  it('answers with the first matching record in file order', async () => {
    const caller = createReplayCaller(
      snapshotOf(
        answer('S3', 'GetBucketVersioning', { Bucket: DESTINATION_BUCKET }, { Status: 'Suspended' }),
        answer('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET }, { Status: 'Enabled' }),
        answer('S3', 'GetBucketVersioning', {}, { Status: 'Fallback' }),
        answer('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET }, { Status: 'Shadowed' }),
      ),
    );

    expect(await caller.send('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET })).toEqual({
      Status: 'Enabled',
    });
    expect(await caller.send('S3', 'GetBucketVersioning', { Bucket: 'other' })).toEqual({
      Status: 'Fallback',
    });
  });

  it('matches service and command, not input alone', async () => {
    const caller = createReplayCaller(
      snapshotOf(answer('S3', 'GetBucketPolicy', { Bucket: SOURCE_BUCKET }, {})),
    );

    const error = await caught(caller.send('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET }));

    expect(error.name).toBe('NotRecorded');
  });

  it('answers a region-scoped record only for a call in that region', async () => {
    const caller = createReplayCaller(
      snapshotOf(
        {
          ...answer('KMS', 'DescribeKey', { KeyId: 'alias/aws/s3' }, { KeyMetadata: { KeyId: 'eu' } }),
          region: 'eu-west-1',
        },
        answer('KMS', 'DescribeKey', { KeyId: 'alias/aws/s3' }, { KeyMetadata: { KeyId: 'any' } }),
      ),
    );

    const inEu = await caller.send('KMS', 'DescribeKey', { KeyId: 'alias/aws/s3' }, { region: 'eu-west-1' });
    const inUs = await caller.send('KMS', 'DescribeKey', { KeyId: 'alias/aws/s3' }, { region: 'us-east-1' });
    const unnamed = await caller.send('KMS', 'DescribeKey', { KeyId: 'alias/aws/s3' });

    expect([inEu, inUs, unnamed].map((output) => (output.KeyMetadata as { KeyId: string }).KeyId)).toEqual([
      'eu',
      'any',
      'any',
    ]);
  });

  it('uses its default region for calls that name none', async () => {
    const snapshot = snapshotOf({
      ...answer('S3', 'GetBucketVersioning', {}, { Status: 'Enabled' }),
      region: 'us-east-1',
    });

    await expect(
      createReplayCaller(snapshot, { region: 'us-east-1' }).send('S3', 'GetBucketVersioning', {}),
    ).resolves.toEqual({ Status: 'Enabled' });
    expect((await caught(createReplayCaller(snapshot).send('S3', 'GetBucketVersioning', {}))).name).toBe(
      'NotRecorded',
    );
  });

  it('ignores the call region when the record names none', async () => {
    const caller = createReplayCaller(
      snapshotOf(answer('S3', 'GetBucketVersioning', {}, { Status: 'Enabled' })),
    );

    await expect(
      caller.send('S3', 'GetBucketVersioning', {}, { region: 'ap-south-1', side: 'destination' }),
    ).resolves.toEqual({
      Status: 'Enabled',
    });
  });

  it('fails an unanswered call with NotRecorded naming the service, command and input', async () => {
    const caller = createReplayCaller(snapshotOf());

    const error = await caught(caller.send('IAM', 'GetRolePolicy', { RoleName: 'R', PolicyName: 'P' }));

    expect(error.name).toBe('NotRecorded');
    expect(error.message).toContain('IAM GetRolePolicy {"PolicyName":"P","RoleName":"R"}');
  });

  it('throws a recorded error with its name, message, status and fault', async () => {
    const caller = createReplayCaller(
      snapshotOf(
        failure('S3', 'GetBucketPolicy', { Bucket: DESTINATION_BUCKET }, 'AccessDenied', 403),
        failure('S3', 'GetBucketVersioning', { Bucket: DESTINATION_BUCKET }, 'InternalError', 500),
      ),
    );

    const denied = await caught(caller.send('S3', 'GetBucketPolicy', { Bucket: DESTINATION_BUCKET }));
    const internal = await caught(caller.send('S3', 'GetBucketVersioning', { Bucket: DESTINATION_BUCKET }));

    expect(denied).toMatchObject({
      name: 'AccessDenied',
      message: 'AccessDenied (recorded)',
      $metadata: { httpStatusCode: 403 },
    });
    expect(denied).toHaveProperty('$fault', 'client');
    expect(internal).toMatchObject({
      name: 'InternalError',
      $metadata: { httpStatusCode: 500 },
      $fault: 'server',
    });
  });

  it('turns ISO timestamps back into Dates in the fields where the SDK gives Dates', async () => {
    const caller = createReplayCaller(
      snapshotOf(
        answer(
          'S3',
          'HeadObject',
          {},
          {
            LastModified: '2024-05-01T10:00:00.000Z',
            ObjectLockRetainUntilDate: '2030-01-01T00:00:00Z',
            Expiration: 'expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="x"',
            ETag: '"2024-05-01T10:00:00.000Z"',
          },
        ),
        answer('KMS', 'ListGrants', {}, { Grants: [{ CreationDate: '2024-01-02T03:04:05Z' }] }),
      ),
    );

    const head = await caller.send('S3', 'HeadObject', {});
    const grants = await caller.send('KMS', 'ListGrants', {});

    expect(head.LastModified).toEqual(new Date('2024-05-01T10:00:00.000Z'));
    expect(head.ObjectLockRetainUntilDate).toEqual(new Date('2030-01-01T00:00:00Z'));
    expect(head.Expiration).toBeTypeOf('string');
    expect(head.ETag).toBe('"2024-05-01T10:00:00.000Z"');
    expect((grants.Grants as { CreationDate: unknown }[])[0]?.CreationDate).toBeInstanceOf(Date);
  });

  it('hands out copies, so a caller cannot change later answers', async () => {
    const caller = createReplayCaller(
      snapshotOf(answer('S3', 'GetObjectTagging', {}, { TagSet: [{ Key: 'a', Value: '1' }] })),
    );

    const first = await caller.send('S3', 'GetObjectTagging', {});
    (first.TagSet as unknown[]).push({ Key: 'b', Value: '2' });

    expect((await caller.send('S3', 'GetObjectTagging', {})).TagSet).toHaveLength(1);
  });
});
