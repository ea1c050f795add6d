import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSdkError } from '../../shared/aws/sdk-error.js';
import {
  handleEnrolmentResource,
  PHYSICAL_RESOURCE_ID,
  sendResponse,
} from '../../shared/enrol/custom-resource.js';
import { CustomResourceResponseError } from '../../shared/enrol/errors.js';
import { ENROLMENT_ID } from '../../shared/enrol/types.js';
import {
  BUSY_NOTIFICATION,
  client,
  installFakeS3,
  notificationPuts,
  QUEUE_ARN,
  replicationPuts,
  SOURCE_BUCKET,
  s3,
  V1_REPLICATION,
  V2_REPLICATION,
} from './fixtures.js';

const SECOND_BUCKET = 'my-second-source-bucket-use1';

interface Received {
  method: string | undefined;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

// Stands for CloudFormation's presigned S3 response URL.
let server: Server;
let received: Received[] = [];
let replyStatus = 200;
let responseUrl = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method,
        contentType: request.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      response.writeHead(replyStatus).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cfn-response?X-Amz-Signature=abc`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  replyStatus = 200;
});

function request(
  type: 'Create' | 'Update' | 'Delete',
  properties: Record<string, unknown>,
  old?: Record<string, unknown>,
): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:s3-replication-doctor-prod-enrol',
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/s3-replication-doctor-prod/1f2e3d4c',
    RequestId: 'b4a1c2d3-0000-4000-8000-000000000001',
    LogicalResourceId: 'SourceBucketEnrolment',
    ResourceType: 'Custom::SourceBucketEnrolment',
    ResourceProperties: { ServiceToken: 'token', ...properties },
  };
  if (type === 'Create') return { ...base, RequestType: 'Create' };
  if (type === 'Update')
    return {
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
      OldResourceProperties: { ServiceToken: 'token', ...old },
    };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: PHYSICAL_RESOURCE_ID };
}

const deps = { s3: client };

describe('the enrolment custom resource', () => {
  it('enrols every listed bucket on Create and answers SUCCESS with a stable id and the metrics it turned on', async () => {
    // Prepare
    const store = installFakeS3({
      [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: V2_REPLICATION },
      [SECOND_BUCKET]: { notification: {}, replication: V1_REPLICATION },
    });

    // Act
    await handleEnrolmentResource(
      request('Create', { Buckets: [SOURCE_BUCKET, SECOND_BUCKET], QueueArn: QUEUE_ARN }),
      deps,
    );

    // Assess
    expect(received).toHaveLength(1);
    const [answer] = received;
    expect(answer?.method).toBe('PUT');
    expect(answer?.contentType).toBe('');
    expect(answer?.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/s3-replication-doctor-prod/1f2e3d4c',
      RequestId: 'b4a1c2d3-0000-4000-8000-000000000001',
      LogicalResourceId: 'SourceBucketEnrolment',
      Data: { Buckets: `${SOURCE_BUCKET},${SECOND_BUCKET}` },
    });
    const data = answer?.body.Data as Record<string, string> | undefined;
    const metrics = JSON.parse(data?.MetricsEnabledByUs ?? '{}');
    expect(Object.keys(metrics)).toEqual([SOURCE_BUCKET, SECOND_BUCKET]);
    expect(metrics[SECOND_BUCKET]).toEqual([
      { ruleId: 'v1-finance', before: null },
      { ruleId: 'v1-everything-else', before: null },
    ]);
    for (const bucket of [SOURCE_BUCKET, SECOND_BUCKET])
      expect(store.get(bucket)?.notification.QueueConfigurations?.at(-1)?.Id).toBe(ENROLMENT_ID);
  });

  it('accepts the bucket list as one comma-separated parameter string', async () => {
    const store = installFakeS3({
      [SOURCE_BUCKET]: { notification: {}, replication: null },
      [SECOND_BUCKET]: { notification: {}, replication: null },
    });

    await handleEnrolmentResource(
      request('Create', { Buckets: ` ${SOURCE_BUCKET}, ${SECOND_BUCKET},,`, QueueArn: QUEUE_ARN }),
      deps,
    );

    expect(received[0]?.body.Status).toBe('SUCCESS');
    expect(store.get(SECOND_BUCKET)?.notification.QueueConfigurations).toHaveLength(1);
  });

  it('answers FAILED with the reason when a bucket cannot be enrolled', async () => {
    installFakeS3({ [SOURCE_BUCKET]: { notification: {}, replication: null } });
    s3.on(GetBucketNotificationConfigurationCommand, { Bucket: SOURCE_BUCKET }).rejects(
      createSdkError({ name: 'AccessDenied', message: 'Access Denied', httpStatusCode: 403 }),
    );

    const response = await handleEnrolmentResource(
      request('Create', { Buckets: [SOURCE_BUCKET], QueueArn: QUEUE_ARN }),
      deps,
    );

    expect(response.Status).toBe('FAILED');
    expect(received[0]?.body).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
      Reason: `EnrolS3Error: s3://${SOURCE_BUCKET}: GetBucketNotificationConfiguration failed: AccessDenied: Access Denied`,
    });
  });

  it('answers FAILED naming the conflict when another entry already takes the replication events', async () => {
    installFakeS3({
      [SOURCE_BUCKET]: {
        notification: {
          TopicConfigurations: [
            { Id: 'repl', TopicArn: 'arn:aws:sns:us-east-1:123456789012:repl', Events: ['s3:Replication:*'] },
          ],
        },
        replication: null,
      },
    });

    await handleEnrolmentResource(request('Create', { Buckets: [SOURCE_BUCKET], QueueArn: QUEUE_ARN }), deps);

    expect(received[0]?.body.Status).toBe('FAILED');
    expect(received[0]?.body.Reason).toMatch(/^EnrolRefusedError: .*topic entry "repl" already takes/);
  });

  it('answers FAILED when the queue is missing from the properties', async () => {
    installFakeS3({ [SOURCE_BUCKET]: { notification: {}, replication: null } });

    await handleEnrolmentResource(request('Create', { Buckets: [SOURCE_BUCKET] }), deps);

    expect(received[0]?.body).toMatchObject({
      Status: 'FAILED',
      Reason: 'Error: QueueArn is missing from the resource properties',
    });
  });

  it('unenrols a bucket removed from the list on Update and enrols the new one', async () => {
    const store = installFakeS3({
      [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: null },
      [SECOND_BUCKET]: { notification: {}, replication: null },
    });
    await handleEnrolmentResource(request('Create', { Buckets: [SOURCE_BUCKET], QueueArn: QUEUE_ARN }), deps);

    await handleEnrolmentResource(
      request(
        'Update',
        { Buckets: [SECOND_BUCKET], QueueArn: QUEUE_ARN },
        { Buckets: [SOURCE_BUCKET], QueueArn: QUEUE_ARN },
      ),
      deps,
    );

    expect(received.map((answer) => answer.body.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(received[1]?.body.PhysicalResourceId).toBe(PHYSICAL_RESOURCE_ID);
    expect(JSON.stringify(store.get(SOURCE_BUCKET)?.notification)).toBe(JSON.stringify(BUSY_NOTIFICATION));
    expect(store.get(SECOND_BUCKET)?.notification.QueueConfigurations?.[0]?.Id).toBe(ENROLMENT_ID);
  });

  it('unenrols every bucket on Delete and answers SUCCESS when one of them no longer exists', async () => {
    const store = installFakeS3({
      [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: null },
    });
    await handleEnrolmentResource(request('Create', { Buckets: [SOURCE_BUCKET], QueueArn: QUEUE_ARN }), deps);

    await handleEnrolmentResource(
      request('Delete', { Buckets: ['bucket-deleted-before-the-stack', SOURCE_BUCKET], QueueArn: QUEUE_ARN }),
      deps,
    );

    expect(received[1]?.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_RESOURCE_ID });
    expect(JSON.stringify(store.get(SOURCE_BUCKET)?.notification)).toBe(JSON.stringify(BUSY_NOTIFICATION));
  });

  it('refuses a second stack enrolling the same bucket, and its rollback Delete leaves the first stack’s entry', async () => {
    const store = installFakeS3({ [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: null } });
    const otherQueue = 'arn:aws:sqs:us-east-1:123456789012:s3-replication-doctor-dev-intake';
    await handleEnrolmentResource(request('Create', { Buckets: [SOURCE_BUCKET], QueueArn: QUEUE_ARN }), deps);
    const enrolled = structuredClone(store.get(SOURCE_BUCKET)?.notification);

    await handleEnrolmentResource(
      request('Create', { Buckets: [SOURCE_BUCKET], QueueArn: otherQueue }),
      deps,
    );
    await handleEnrolmentResource(
      request('Delete', { Buckets: [SOURCE_BUCKET], QueueArn: otherQueue }),
      deps,
    );

    expect(received.map((answer) => answer.body.Status)).toEqual(['SUCCESS', 'FAILED', 'SUCCESS']);
    expect(received[1]?.body.Reason).toContain(`already sends to ${QUEUE_ARN}`);
    expect(store.get(SOURCE_BUCKET)?.notification).toEqual(enrolled);
  });

  it('answers FAILED before the function runs out of time when S3 does not answer', async () => {
    installFakeS3({});
    s3.on(GetBucketNotificationConfigurationCommand).callsFake(() => new Promise(() => {}));

    const response = await handleEnrolmentResource(
      request('Create', { Buckets: [SOURCE_BUCKET], QueueArn: QUEUE_ARN }),
      { ...deps, remainingTimeMs: () => 5_050 },
    );

    expect(response.Status).toBe('FAILED');
    expect(received[0]?.body.Reason).toMatch(/not finished within 50 ms/);
  });

  it('writes nothing after answering FAILED at the deadline, when S3 answers late', async () => {
    installFakeS3({ [SOURCE_BUCKET]: { notification: {}, replication: V2_REPLICATION } });
    // The first read answers after the deadline; without the abort the work would go on to write both documents.
    s3.on(GetBucketNotificationConfigurationCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return { $metadata: { httpStatusCode: 200 } };
    });

    const response = await handleEnrolmentResource(
      request('Create', { Buckets: [SOURCE_BUCKET], QueueArn: QUEUE_ARN }),
      { ...deps, remainingTimeMs: () => 5_050 },
    );
    await new Promise((resolve) => setTimeout(resolve, 400));

    expect(response.Status).toBe('FAILED');
    expect(replicationPuts()).toEqual([]);
    expect(notificationPuts()).toEqual([]);
  });

  it('is what the deployed function runs: the handler answers CloudFormation through the same code', async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    process.env.AWS_REGION = 'us-east-1';
    const store = installFakeS3({ [SOURCE_BUCKET]: { notification: {}, replication: null } });
    const { handler } = await import('../../functions/enrol/handler.js');
    const context = { getRemainingTimeInMillis: () => 60_000 } as Context;

    await handler(request('Create', { Buckets: [SOURCE_BUCKET], QueueArn: QUEUE_ARN }), context);

    expect(received[0]?.body.Status).toBe('SUCCESS');
    expect(store.get(SOURCE_BUCKET)?.notification.QueueConfigurations?.[0]?.QueueArn).toBe(QUEUE_ARN);
  });

  it('throws so Lambda retries when the response URL refuses the answer', async () => {
    replyStatus = 403;

    const attempt = sendResponse(responseUrl, {
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
      StackId: 'stack',
      RequestId: 'request',
      LogicalResourceId: 'logical',
    });

    await expect(attempt).rejects.toBeInstanceOf(CustomResourceResponseError);
    await expect(attempt).rejects.toThrow(/HTTP 403/);
  });
});
