import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLICATION_EVENT_NAMES } from '../../shared/events/types.js';
import { INTAKE_EVENT } from '../../shared/pipeline/bus-events.js';
import { matchesEventPattern } from '../support/event-pattern.js';
import {
  actionsOf,
  type PolicyDocumentAt,
  type PolicyStatement,
  policyDocuments,
  resourcesOf,
  type Template,
  TemplateResolver,
} from './cloudformation.js';
import { readZipEntries } from './zip-entries.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STAGE = 'test';

// The "configured" deployment: enrolled buckets and accounts, a destination read role and an alarm address.
const CONFIGURED = {
  sourceBuckets: 'my-source-bucket-use1,second-source-bucket',
  sourceAccounts: '123456789012,444455556666',
  destinationReadRoleArn: 'arn:aws:iam::444455556666:role/ReplicationDoctorRead',
  alarmEmail: 'ops@example.com',
};

async function slsPackage(extraArgs: string[]): Promise<void> {
  await run('npx', ['sls', 'package', '--stage', STAGE, ...extraArgs], {
    cwd: ROOT,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    maxBuffer: 16 * 1024 * 1024,
    // Packaging takes seconds; a hung run should fail with its output rather than time the hook out.
    timeout: 150_000,
  });
}

function loadTemplate(directory: string): Template {
  return JSON.parse(
    readFileSync(join(directory, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
}

let configuredDir: string;
let template: Template;
let cfn: TemplateResolver;
let configuredTemplate: Template;
let configured: TemplateResolver;

beforeAll(async () => {
  configuredDir = mkdtempSync(join(tmpdir(), 'srd-package-'));
  // The configured package goes to a temporary directory first: a later run clears .serverless/.
  await slsPackage([
    ...Object.entries(CONFIGURED).map(([name, value]) => `--param=${name}=${value}`),
    '--package',
    configuredDir,
  ]);
  configuredTemplate = loadTemplate(configuredDir);
  configured = new TemplateResolver(configuredTemplate);
  await slsPackage([]);
  template = loadTemplate(join(ROOT, '.serverless'));
  cfn = new TemplateResolver(template);
}, 180_000);

afterAll(() => {
  if (configuredDir) rmSync(configuredDir, { recursive: true, force: true });
});

function props(resolver: TemplateResolver, logicalId: string): Record<string, unknown> {
  const resource = resolver.resource(logicalId);
  if (!resource) throw new Error(`${logicalId} is not deployed`);
  return resource.Properties;
}

function rawProps(logicalId: string): Record<string, unknown> {
  const properties = template.Resources[logicalId]?.Properties;
  if (!properties) throw new Error(`${logicalId} is not in the template`);
  return properties;
}

function statements(resolver: TemplateResolver, locationPrefix: string, source: Template): PolicyStatement[] {
  return policyDocuments(resolver, source)
    .filter((document) => document.location.startsWith(locationPrefix))
    .flatMap((document) => document.statements);
}

function statementBySid(list: PolicyStatement[], sid: string): PolicyStatement {
  const found = list.find((statement) => statement.Sid === sid);
  if (!found)
    throw new Error(`no statement ${sid}; have ${list.map((statement) => statement.Sid).join(', ')}`);
  return found;
}

// ---- the intake, simulated from the template: SQS message → pipe filter → input template → bus event

interface PipeProperties {
  Source: unknown;
  Target: unknown;
  RoleArn: unknown;
  SourceParameters: {
    SqsQueueParameters: { BatchSize: number };
    FilterCriteria: { Filters: { Pattern: string }[] };
  };
  TargetParameters: {
    InputTemplate: string;
    EventBridgeEventBusParameters: { Source: string; DetailType: string };
  };
}

function pipe(): PipeProperties {
  return props(cfn, 'IntakePipe') as unknown as PipeProperties;
}

/** The SQS record as a pipe sees it: Pipes parses a JSON body before filtering and transforming. */
function sqsRecordAsPipeSees(notification: unknown) {
  return {
    messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
    receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
    body: notification,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1725610523511',
      SenderId: 'AIDAJHIPRHEMV73VRJEBU',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:s3-replication-doctor-${STAGE}-intake`,
    awsRegion: 'us-east-1',
  };
}

function valueAtPath(source: unknown, path: string): unknown {
  return path
    .split('.')
    .slice(1)
    .reduce<unknown>(
      (node, key) =>
        typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined,
      source,
    );
}

/**
 * Renders a pipe input template whose placeholders stand as JSON values (not inside strings): objects and
 * arrays are inserted as JSON, strings quoted. A path missing from the event leaves invalid JSON behind, as
 * it would in the pipe, so it throws here.
 */
function renderInputTemplate(inputTemplate: string, event: unknown): unknown {
  const rendered = inputTemplate.replace(/<(\$\.[^>]+)>/g, (_, path: string) => {
    const value = valueAtPath(event, path);
    if (value === undefined) throw new Error(`input template path ${path} is missing from the event`);
    return JSON.stringify(value);
  });
  return JSON.parse(rendered) as unknown;
}

/** What the pipe puts on the bus for one intake message, or undefined when its filter drops the message. */
function relayThroughPipe(notification: unknown): Record<string, unknown> | undefined {
  const { SourceParameters, TargetParameters } = pipe();
  const record = sqsRecordAsPipeSees(notification);
  const passes = SourceParameters.FilterCriteria.Filters.some((filter) =>
    matchesEventPattern(filter.Pattern, record),
  );
  if (!passes) return undefined;
  return busEvent(renderInputTemplate(TargetParameters.InputTemplate, record));
}

/** A bus event as the intake pipe emits it, with the given detail. */
function busEvent(detail: unknown): Record<string, unknown> {
  const { Source, DetailType } = pipe().TargetParameters.EventBridgeEventBusParameters;
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': DetailType,
    source: Source,
    account: '123456789012',
    time: '2024-09-05T21:04:40Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

function rulePattern(logicalId: string): unknown {
  return rawProps(logicalId).EventPattern;
}

// ---- samples

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

function recordSamples(): { name: string; notification: { Records: { eventName: string }[] } }[] {
  const directory = join(ROOT, 'events', 'records');
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({
      name,
      notification: readJson(join(directory, name)) as { Records: { eventName: string }[] },
    }));
}

function isReplicationNotification(notification: { Records: { eventName: string }[] }): boolean {
  const names: readonly string[] = REPLICATION_EVENT_NAMES;
  return notification.Records.some((record) => names.includes(record.eventName));
}

const testEvent = () => readJson(join(ROOT, 'events', 'envelopes', 's3-test-event.json'));

function notificationNamed(eventName: string) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2024-09-05T21:04:32.527Z',
        eventName,
        userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'ObjectEvents',
          bucket: { name: 'my-source-bucket-use1', arn: 'arn:aws:s3:::my-source-bucket-use1' },
          object: {
            key: 'photos/a.jpg',
            size: 520080,
            eTag: 'e12345ca7e88a38428305d3ff7fcb99f',
            sequencer: '0066',
          },
        },
      },
    ],
  };
}

// ================================================================================================ tests

describe('the packaged stack', () => {
  it('runs the diagnose function on nodejs22.x, arm64, from the bundled ESM handler', () => {
    const fn = props(cfn, 'DiagnoseLambdaFunction');
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('functions/diagnose/handler.handler');
    expect(fn.MemorySize).toBe(1024);
    expect(fn.Timeout).toBe(60);
    expect(fn.ReservedConcurrentExecutions).toBe(5);
    expect(fn.Role).toBe('DiagnoseRole.Arn');
  });

  it('gives the function its configuration through the environment', () => {
    const variables = (
      props(cfn, 'DiagnoseLambdaFunction').Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(variables).toMatchObject({
      EVENT_BUS_NAME: 'ref:EventBus',
      DEAD_LETTER_QUEUE_URL: 'ref:DiagnosisDeadLetterQueue',
      MODE: 'plan',
      DESTINATION_READ_ROLE_ARN: '',
      POWERTOOLS_SERVICE_NAME: 's3-replication-doctor',
      LOG_LEVEL: 'INFO',
    });
    const configuredVariables = (
      props(configured, 'DiagnoseLambdaFunction').Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(configuredVariables.DESTINATION_READ_ROLE_ARN).toBe(CONFIGURED.destinationReadRoleArn);
  });

  it('keeps the function logs for 30 days', () => {
    expect(props(cfn, 'DiagnoseLogGroup').RetentionInDays).toBe(30);
  });

  it('packages a self-contained bundle whose handler loads on Node', async () => {
    const entries = readZipEntries(readFileSync(join(ROOT, '.serverless', 'diagnose.zip')));
    expect([...entries.keys()].filter((name) => name.startsWith('node_modules/'))).toEqual([]);
    const bundle = entries.get('functions/diagnose/handler.mjs');
    expect(bundle).toBeDefined();

    const directory = mkdtempSync(join(tmpdir(), 'srd-bundle-'));
    try {
      const file = join(directory, 'handler.mjs');
      writeFileSync(file, bundle ?? '');
      const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(typeof m.handler);`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'not-a-secret',
          EVENT_BUS_NAME: `s3-replication-doctor-${STAGE}`,
          DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
          MODE: 'plan',
        },
      });
      expect(stdout.trim()).toBe('function');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('outputs the bus, the intake queue and every dead-letter queue', () => {
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining([
        'EventBusName',
        'EventBusArn',
        'EventBusArchiveName',
        'IntakeQueueUrl',
        'IntakeQueueArn',
        'IntakeDeadLetterQueueUrl',
        'DiagnosisDeadLetterQueueUrl',
        'RuleTargetDeadLetterQueueUrl',
      ]),
    );
    expect(cfn.resolve(template.Outputs?.IntakeQueueArn?.Value)).toBe('IntakeQueue.Arn');
    expect(cfn.resolve(template.Outputs?.EventBusArn?.Value)).toBe('EventBus.Arn');
  });
});

describe('intake queue', () => {
  it('is encrypted and redrives to its dead-letter queue after 5 receives', () => {
    const queue = props(cfn, 'IntakeQueue');
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.FifoQueue).toBeUndefined();
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: 'IntakeDeadLetterQueue.Arn',
      maxReceiveCount: 5,
    });
  });

  it('keeps dead letters for 14 days', () => {
    const dlq = props(cfn, 'IntakeDeadLetterQueue');
    expect(dlq.SqsManagedSseEnabled).toBe(true);
    expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('lets only S3 in the deploying account send, from any of its buckets, when nothing is enrolled', () => {
    const policy = props(cfn, 'IntakeQueuePolicy');
    expect(policy.Queues).toEqual(['ref:IntakeQueue']);
    const [statement, ...others] = statements(cfn, 'IntakeQueuePolicy', template);
    expect(others).toEqual([]);
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: 'IntakeQueue.Arn',
    });
    expect(statement?.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': ['123456789012'] } });
  });

  it('lets S3 send only from the enrolled buckets and accounts when they are configured', () => {
    const [statement] = statements(configured, 'IntakeQueuePolicy', configuredTemplate);
    expect(statement?.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': ['123456789012', '444455556666'] },
      ArnLike: {
        'aws:SourceArn': ['arn:aws:s3:::my-source-bucket-use1', 'arn:aws:s3:::second-source-bucket'],
      },
    });
  });
});

describe('intake pipe', () => {
  it('reads the intake queue in batches of 10 and targets the bus', () => {
    const { Source, Target, SourceParameters } = pipe();
    expect(Source).toBe('IntakeQueue.Arn');
    expect(SourceParameters.SqsQueueParameters.BatchSize).toBe(10);
    expect(Target).toBe('EventBus.Arn');
    expect(props(cfn, 'IntakePipe').DesiredState).toBe('RUNNING');
  });

  it('puts events with the source and detail-type the code expects', () => {
    const { EventBridgeEventBusParameters, InputTemplate } = pipe().TargetParameters;
    expect(EventBridgeEventBusParameters).toEqual({
      Source: INTAKE_EVENT.source,
      DetailType: INTAKE_EVENT.detailType,
    });
    expect(InputTemplate).toBe('{"Records": <$.body.Records>}');
  });

  it('makes the S3 notification itself the event detail', () => {
    const notification = recordSamples()[0]?.notification;
    expect(relayThroughPipe(notification)?.detail).toEqual(notification);
  });

  it('relays every replication sample and drops the rest', () => {
    const samples = recordSamples();
    expect(samples.length).toBeGreaterThan(0);
    for (const { name, notification } of samples) {
      expect(relayThroughPipe(notification) !== undefined, name).toBe(
        isReplicationNotification(notification),
      );
    }
  });

  it('drops the S3 test event and object events', () => {
    expect(relayThroughPipe(testEvent())).toBeUndefined();
    expect(relayThroughPipe(notificationNamed('ObjectCreated:Put'))).toBeUndefined();
  });

  it('assumes a role trusted only by EventBridge Pipes that can only consume the queue and put events', () => {
    expect(pipe().RoleArn).toBe('IntakePipeRole.Arn');
    const trust = statements(cfn, 'IntakePipeRole.AssumeRolePolicyDocument', template);
    expect(trust).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'pipes.amazonaws.com' },
        Action: 'sts:AssumeRole',
      }),
    ]);
    const granted = statements(cfn, 'IntakePipeRole.Policies', template).map((statement) => ({
      actions: actionsOf(statement).sort(),
      resources: resourcesOf(statement),
    }));
    expect(granted).toEqual([
      {
        actions: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        resources: ['IntakeQueue.Arn'],
      },
      { actions: ['events:PutEvents'], resources: ['EventBus.Arn'] },
    ]);
  });
});

describe('event bus and archive', () => {
  it('is a custom bus named after the service and stage', () => {
    expect(props(cfn, 'EventBus').Name).toBe(`s3-replication-doctor-${STAGE}`);
  });

  it('archives every intake event on the bus for 90 days', () => {
    const archive = props(cfn, 'EventBusArchive');
    expect(archive.SourceArn).toBe('EventBus.Arn');
    expect(archive.RetentionDays).toBe(90);
    for (const { name, notification } of recordSamples()) {
      expect(matchesEventPattern(archive.EventPattern, busEvent(notification)), name).toBe(true);
    }
  });

  it('does not archive events from other sources', () => {
    const archive = props(cfn, 'EventBusArchive');
    expect(
      matchesEventPattern(archive.EventPattern, {
        ...busEvent({}),
        source: 's3-replication-doctor.diagnosis',
      }),
    ).toBe(false);
  });
});

describe('ReplicationEventsRule', () => {
  it('is enabled on the bus and targets the diagnosis queue with retries and a dead-letter queue', () => {
    const rule = props(cfn, 'ReplicationEventsRule');
    expect(rule.State).toBe('ENABLED');
    expect(rule.EventBusName).toBe('ref:EventBus');
    expect(rule.Targets).toEqual([
      {
        Id: 'diagnosis-queue',
        Arn: 'DiagnosisQueue.Arn',
        DeadLetterConfig: { Arn: 'RuleTargetDeadLetterQueue.Arn' },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      },
    ]);
  });

  it('matches every replication sample as the pipe puts it on the bus', () => {
    const samples = recordSamples().filter(({ notification }) => isReplicationNotification(notification));
    expect(samples.length).toBeGreaterThan(0);
    for (const { name, notification } of samples) {
      const event = relayThroughPipe(notification);
      expect(event, name).toBeDefined();
      expect(matchesEventPattern(rulePattern('ReplicationEventsRule'), event), name).toBe(true);
    }
  });

  it('covers every replication event name, also in the s3:-prefixed form', () => {
    for (const eventName of REPLICATION_EVENT_NAMES) {
      expect(
        matchesEventPattern(rulePattern('ReplicationEventsRule'), busEvent(notificationNamed(eventName))),
        eventName,
      ).toBe(true);
      const prefixed = busEvent(notificationNamed(`s3:${eventName}`));
      expect(matchesEventPattern(rulePattern('ReplicationEventsRule'), prefixed), `s3:${eventName}`).toBe(
        true,
      );
    }
  });

  it('does not match the S3 test event or an object-created record on the bus', () => {
    expect(matchesEventPattern(rulePattern('ReplicationEventsRule'), busEvent(testEvent()))).toBe(false);
    expect(
      matchesEventPattern(
        rulePattern('ReplicationEventsRule'),
        busEvent(notificationNamed('ObjectCreated:Put')),
      ),
    ).toBe(false);
  });

  it('does not match replication records put on the bus by another source', () => {
    const [sample] = recordSamples();
    const event = { ...busEvent(sample?.notification), source: 's3-replication-doctor.diagnosis' };
    expect(matchesEventPattern(rulePattern('ReplicationEventsRule'), event)).toBe(false);
  });

  it('is the only rule, and every rule has a target (no rule is left without one)', () => {
    const rules = cfn.resourcesOfType('AWS::Events::Rule');
    expect(rules.map((rule) => rule.logicalId)).toEqual(['ReplicationEventsRule']);
    for (const rule of rules) expect((rule.Properties.Targets as unknown[]).length).toBeGreaterThan(0);
  });
});

describe('diagnosis queue', () => {
  it('is encrypted, redrives after 3 receives and hides a message for at least 6 function timeouts', () => {
    const queue = props(cfn, 'DiagnosisQueue');
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: 'DiagnosisDeadLetterQueue.Arn',
      maxReceiveCount: 3,
    });
    const timeout = props(cfn, 'DiagnoseLambdaFunction').Timeout as number;
    expect(queue.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('keeps dead letters, of the queue and of the rule target, for 14 days', () => {
    for (const logicalId of ['DiagnosisDeadLetterQueue', 'RuleTargetDeadLetterQueue']) {
      const dlq = props(cfn, logicalId);
      expect(dlq.SqsManagedSseEnabled, logicalId).toBe(true);
      expect(dlq.MessageRetentionPeriod, logicalId).toBe(14 * 24 * 3600);
    }
  });

  it('accepts messages only from the replication events rule, for the queue and its rule dead-letter queue', () => {
    for (const [policyId, queueId] of [
      ['DiagnosisQueuePolicy', 'DiagnosisQueue'],
      ['RuleTargetDeadLetterQueuePolicy', 'RuleTargetDeadLetterQueue'],
    ] as const) {
      expect(props(cfn, policyId).Queues).toEqual([`ref:${queueId}`]);
      expect(statements(cfn, policyId, template)).toEqual([
        {
          Sid: expect.any(String),
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: `${queueId}.Arn`,
          Condition: { ArnEquals: { 'aws:SourceArn': 'ReplicationEventsRule.Arn' } },
        },
      ]);
    }
  });

  it('feeds the diagnose function in batches of up to 100 with partial batch failures', () => {
    const mappings = cfn.resourcesOfType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      EventSourceArn: 'DiagnosisQueue.Arn',
      FunctionName: 'DiagnoseLambdaFunction.Arn',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      Enabled: true,
    });
  });
});

describe('dead-letter alarms', () => {
  const alarmedQueues = (resolver: TemplateResolver) =>
    resolver
      .resourcesOfType('AWS::CloudWatch::Alarm')
      .map((alarm) => alarm.Properties)
      .filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible');

  it('watches every dead-letter queue', () => {
    const queues = alarmedQueues(cfn).map((alarm) => (alarm.Dimensions as { Value: unknown }[])[0]?.Value);
    expect(queues.sort()).toEqual([
      'DiagnosisDeadLetterQueue.QueueName',
      'IntakeDeadLetterQueue.QueueName',
      'RuleTargetDeadLetterQueue.QueueName',
    ]);
  });

  it('notifies no one without an alarm address, and the address when one is configured', () => {
    expect(cfn.resource('AlarmTopic')).toBeUndefined();
    for (const alarm of alarmedQueues(cfn)) expect(alarm.AlarmActions).toBeUndefined();
    for (const alarm of alarmedQueues(configured)) expect(alarm.AlarmActions).toEqual(['ref:AlarmTopic']);
    expect(props(configured, 'AlarmEmailSubscription')).toMatchObject({
      Protocol: 'email',
      Endpoint: CONFIGURED.alarmEmail,
      TopicArn: 'ref:AlarmTopic',
    });
  });
});

describe('IAM', () => {
  const allDocuments = (): PolicyDocumentAt[] => [
    ...policyDocuments(cfn, template),
    ...policyDocuments(configured, configuredTemplate),
  ];

  it('gives every policy statement in the stack a Sid, unique within its document', () => {
    const documents = allDocuments();
    expect(documents.length).toBeGreaterThan(5);
    for (const { location, statements: list } of documents) {
      for (const statement of list)
        expect(statement.Sid, `${location}: ${JSON.stringify(statement)}`).toMatch(/^\w+$/);
      const sids = list.map((statement) => statement.Sid);
      expect(new Set(sids).size, location).toBe(sids.length);
    }
  });

  it('defines no role other than the pipe and function roles written here', () => {
    expect(cfn.resourcesOfType('AWS::IAM::Role').map((role) => role.logicalId)).toEqual([
      'IntakePipeRole',
      'DiagnoseRole',
    ]);
  });

  describe('diagnose role', () => {
    const diagnoseStatements = (resolver: TemplateResolver, source: Template) =>
      statements(resolver, 'DiagnoseRole.Policies', source);

    const FORBIDDEN = [
      /^\*$/,
      /^s3:\*$/,
      /^s3:Put/,
      /^s3:Delete/,
      /^s3:Replicate/,
      /^iam:(Put|Create|Update|Attach|Delete|Pass)/,
    ];
    const READ_ONLY = /^(s3|iam|kms|organizations):(Get|List|Describe)[A-Za-z]+$/;
    // The only actions that are not reads, each pinned to the one resource it may touch.
    const NON_READ_RESOURCES: Record<string, string[]> = {
      'logs:CreateLogStream': ['DiagnoseLogGroup.Arn'],
      'logs:PutLogEvents': ['DiagnoseLogGroup.Arn'],
      'sqs:ReceiveMessage': ['DiagnosisQueue.Arn'],
      'sqs:DeleteMessage': ['DiagnosisQueue.Arn'],
      'sqs:GetQueueAttributes': ['DiagnosisQueue.Arn'],
      'sqs:SendMessage': ['DiagnosisDeadLetterQueue.Arn'],
      'events:PutEvents': ['EventBus.Arn'],
      'sts:AssumeRole': [CONFIGURED.destinationReadRoleArn],
    };

    it('trusts only Lambda', () => {
      expect(statements(cfn, 'DiagnoseRole.AssumeRolePolicyDocument', template)).toEqual([
        {
          Sid: 'TrustLambda',
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ]);
    });

    it('has no write action and no wildcard action', () => {
      for (const [resolver, source] of [
        [cfn, template],
        [configured, configuredTemplate],
      ] as const) {
        for (const statement of diagnoseStatements(resolver, source)) {
          expect(statement.Effect).toBe('Allow');
          for (const action of actionsOf(statement)) {
            expect(action, statement.Sid).not.toContain('*');
            for (const forbidden of FORBIDDEN) expect(action, statement.Sid).not.toMatch(forbidden);
          }
        }
      }
    });

    it('only reads, apart from its own queue, dead-letter queue, bus, logs and the destination read role', () => {
      for (const statement of diagnoseStatements(configured, configuredTemplate)) {
        for (const action of actionsOf(statement)) {
          if (READ_ONLY.test(action)) continue;
          expect(NON_READ_RESOURCES[action], `${statement.Sid}: ${action}`).toBeDefined();
          expect(resourcesOf(statement), `${statement.Sid}: ${action}`).toEqual(NON_READ_RESOURCES[action]);
        }
      }
    });

    it('can make every read the diagnosis needs', () => {
      const granted = diagnoseStatements(cfn, template).flatMap(actionsOf);
      expect(granted).toEqual(
        expect.arrayContaining([
          's3:GetReplicationConfiguration',
          's3:GetBucketVersioning',
          's3:GetBucketLocation',
          's3:GetBucketPolicy',
          's3:GetBucketOwnershipControls',
          's3:GetBucketObjectLockConfiguration',
          's3:GetEncryptionConfiguration',
          's3:GetBucketRequestPayment',
          's3:GetObject',
          's3:GetObjectVersion',
          's3:GetObjectTagging',
          's3:GetObjectVersionTagging',
          's3:GetObjectAcl',
          's3:GetObjectVersionAcl',
          'iam:GetRole',
          'iam:ListRolePolicies',
          'iam:GetRolePolicy',
          'iam:ListAttachedRolePolicies',
          'iam:GetPolicy',
          'iam:GetPolicyVersion',
          'kms:DescribeKey',
          'kms:GetKeyPolicy',
          'kms:ListGrants',
          'organizations:DescribeOrganization',
          'events:PutEvents',
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'logs:PutLogEvents',
        ]),
      );
    });

    it('reads IAM roles and policies of its own account and AWS managed policies only', () => {
      const list = diagnoseStatements(cfn, template);
      expect(resourcesOf(statementBySid(list, 'ReadReplicationRoles'))).toEqual([
        'arn:aws:iam::123456789012:role/*',
      ]);
      expect(resourcesOf(statementBySid(list, 'ReadManagedPolicies'))).toEqual([
        'arn:aws:iam::123456789012:policy/*',
        'arn:aws:iam::aws:policy/*',
      ]);
    });

    it('reads replication configurations and objects of any bucket when none is enrolled', () => {
      const list = diagnoseStatements(cfn, template);
      expect(resourcesOf(statementBySid(list, 'ReadSourceReplicationConfiguration'))).toEqual([
        'arn:aws:s3:::*',
      ]);
      expect(resourcesOf(statementBySid(list, 'ReadSourceObjectMetadata'))).toEqual(['arn:aws:s3:::*/*']);
    });

    it('reads replication configurations and objects of the enrolled buckets only when they are configured', () => {
      const list = diagnoseStatements(configured, configuredTemplate);
      expect(resourcesOf(statementBySid(list, 'ReadSourceReplicationConfiguration'))).toEqual([
        'arn:aws:s3:::my-source-bucket-use1',
        'arn:aws:s3:::second-source-bucket',
      ]);
      expect(resourcesOf(statementBySid(list, 'ReadSourceObjectMetadata'))).toEqual([
        'arn:aws:s3:::my-source-bucket-use1/*',
        'arn:aws:s3:::second-source-bucket/*',
      ]);
    });

    it('may assume the destination read role only when one is configured', () => {
      const assumes = (resolver: TemplateResolver, source: Template) =>
        diagnoseStatements(resolver, source).filter((statement) =>
          actionsOf(statement).includes('sts:AssumeRole'),
        );
      expect(assumes(cfn, template)).toEqual([]);
      expect(assumes(configured, configuredTemplate)).toEqual([
        {
          Sid: 'AssumeDestinationReadRole',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: CONFIGURED.destinationReadRoleArn,
        },
      ]);
    });
  });
});
