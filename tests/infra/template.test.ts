import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEntry } from '../../shared/aws/event-bus.js';
import { parseSnapshot, snapshotReads } from '../../shared/aws/index.js';
import { LIVE_COMMANDS } from '../../shared/aws/live-commands.js';
import type { Mode } from '../../shared/config.js';
import { REPLICATION_EVENT_NAMES } from '../../shared/events/types.js';
import { INCIDENT_METRIC_NAMES, METRICS_NAMESPACE, METRICS_SERVICE } from '../../shared/incidents/metrics.js';
import { LEDGER_GSI1, LEDGER_TABLE_DEFINITION, LEDGER_TTL_ATTRIBUTE } from '../../shared/ledger/table.js';
import { DIAGNOSIS_EVENT, INTAKE_EVENT } from '../../shared/pipeline/bus-events.js';
import { diagnoseQueueBatch } from '../../shared/pipeline/diagnose-queue-batch.js';
import { parseActionSettings } from '../../shared/remediation/mode.js';
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
import { type AllowListEntry, renderedWildcard, unjustifiedWildcards, wildcardsIn } from './iam-wildcards.js';
import { readZipEntries } from './zip-entries.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STAGE = 'test';

// The "configured" deployment: enrolled buckets and accounts, a destination read role, an alarm address, and
// every setting of the action side (auto mode, two notification addresses, Slack in SSM, a webhook in Secrets
// Manager, copy limits).
const CONFIGURED = {
  sourceBuckets: 'my-source-bucket-use1,second-source-bucket',
  sourceAccounts: '123456789012,444455556666',
  destinationReadRoleArn: 'arn:aws:iam::444455556666:role/ReplicationDoctorRead',
  alarmEmail: 'ops@example.com',
  mode: 'auto',
  notificationEmails: 'ops@example.com,storage-team@example.com',
  slackSecret: 'ssm:/s3-replication-doctor/slack-bot-token',
  slackChannel: 'C0123456789',
  webhookSecret: 'secretsmanager:s3-replication-doctor/webhook-url',
  autoRetrigger: 'DstPutObjectNotPermitted,DstObjectHardDeleted',
  maxCopiesPerObject: '2',
  copyRatePerSecond: '20',
  sweepSchedule: 'rate(15 minutes)',
  copyThreshold: '500',
  slackUpdateIntervalSeconds: '120',
  digestIntervalSeconds: '7200',
  spotCheck: '10',
  auditSchedule: 'rate(12 hours)',
};

// The secret stores the other way round (a JSON field of a secret, an SSM parameter named without its
// leading slash), as many notification addresses as the stack subscribes, and a Slack secret without a channel
// (right for an incoming-webhook URL: a warning, not an error).
const ALTERNATE = {
  notificationEmails: 'a@example.com,b@example.com,c@example.com',
  slackSecret: 'secretsmanager:s3-replication-doctor/slack#botToken',
  webhookSecret: 'ssm:replication-doctor-webhook-url',
};

// Secrets referenced by ARN, shared from another account.
const SHARED_SECRETS = {
  slackSecret:
    'secretsmanager:arn:aws:secretsmanager:us-east-1:444455556666:secret:shared/slack-AbCdEf#token',
  webhookSecret: 'ssm:arn:aws:ssm:us-east-1:444455556666:parameter/shared/webhook-url',
};

const paramArgs = (params: Record<string, string>) =>
  Object.entries(params).map(([name, value]) => `--param=${name}=${value}`);

/** Packages the stack and returns what the framework printed. */
async function slsPackage(extraArgs: string[]): Promise<string> {
  const { stdout, stderr } = await run('npx', ['sls', 'package', '--stage', STAGE, ...extraArgs], {
    cwd: ROOT,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    maxBuffer: 16 * 1024 * 1024,
    // Packaging takes seconds; a hung run should fail with its output rather than time the hook out.
    timeout: 150_000,
  });
  return `${stdout}${stderr}`;
}

function loadTemplate(directory: string): Template {
  return JSON.parse(
    readFileSync(join(directory, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
}

let configuredDir: string;
let alternateDir: string;
let sharedDir: string;
let template: Template;
let cfn: TemplateResolver;
let configuredTemplate: Template;
let configured: TemplateResolver;
let alternateTemplate: Template;
let alternate: TemplateResolver;
let sharedTemplate: Template;
let shared: TemplateResolver;
let alternateOutput: string;

beforeAll(async () => {
  configuredDir = mkdtempSync(join(tmpdir(), 'srd-package-'));
  alternateDir = mkdtempSync(join(tmpdir(), 'srd-package-'));
  sharedDir = mkdtempSync(join(tmpdir(), 'srd-package-'));
  // The parameterised packages go to temporary directories first: a later run clears .serverless/.
  await slsPackage([...paramArgs(CONFIGURED), '--package', configuredDir]);
  configuredTemplate = loadTemplate(configuredDir);
  configured = new TemplateResolver(configuredTemplate);
  alternateOutput = await slsPackage([...paramArgs(ALTERNATE), '--package', alternateDir]);
  alternateTemplate = loadTemplate(alternateDir);
  alternate = new TemplateResolver(alternateTemplate);
  await slsPackage([...paramArgs(SHARED_SECRETS), '--package', sharedDir]);
  sharedTemplate = loadTemplate(sharedDir);
  shared = new TemplateResolver(sharedTemplate);
  await slsPackage([]);
  template = loadTemplate(join(ROOT, '.serverless'));
  cfn = new TemplateResolver(template);
}, 240_000);

afterAll(() => {
  for (const directory of [configuredDir, alternateDir, sharedDir])
    if (directory) rmSync(directory, { recursive: true, force: true });
});

/** Every packaged variant, for properties that must hold whatever the parameters. */
const variants = (): [TemplateResolver, Template][] => [
  [cfn, template],
  [configured, configuredTemplate],
  [alternate, alternateTemplate],
  [shared, sharedTemplate],
];

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

function eventSourceMapping(queueArn: string): Record<string, unknown> | undefined {
  return cfn
    .resourcesOfType('AWS::Lambda::EventSourceMapping')
    .find((mapping) => mapping.Properties.EventSourceArn === queueArn)?.Properties;
}

// The IAM action each call of the live gateway needs (Service Authorization Reference); null: none.
const IAM_ACTION_OF_COMMAND: Record<string, string | null> = {
  'S3.GetBucketReplication': 's3:GetReplicationConfiguration',
  'S3.GetBucketVersioning': 's3:GetBucketVersioning',
  'S3.GetBucketLocation': 's3:GetBucketLocation',
  'S3.GetBucketPolicy': 's3:GetBucketPolicy',
  'S3.GetBucketAcl': 's3:GetBucketAcl',
  'S3.GetBucketOwnershipControls': 's3:GetBucketOwnershipControls',
  'S3.GetObjectLockConfiguration': 's3:GetBucketObjectLockConfiguration',
  'S3.GetBucketEncryption': 's3:GetEncryptionConfiguration',
  'S3.GetBucketRequestPayment': 's3:GetBucketRequestPayment',
  'S3.HeadObject': 's3:GetObject',
  'S3.GetObjectTagging': 's3:GetObjectTagging',
  'S3.GetObjectAcl': 's3:GetObjectAcl',
  'IAM.GetRole': 'iam:GetRole',
  'IAM.ListRolePolicies': 'iam:ListRolePolicies',
  'IAM.GetRolePolicy': 'iam:GetRolePolicy',
  'IAM.ListAttachedRolePolicies': 'iam:ListAttachedRolePolicies',
  'IAM.GetPolicy': 'iam:GetPolicy',
  'IAM.GetPolicyVersion': 'iam:GetPolicyVersion',
  'KMS.DescribeKey': 'kms:DescribeKey',
  'KMS.GetKeyPolicy': 'kms:GetKeyPolicy',
  'KMS.ListGrants': 'kms:ListGrants',
  // GetCallerIdentity needs no permission.
  'STS.GetCallerIdentity': null,
  'Organizations.DescribeOrganization': 'organizations:DescribeOrganization',
};

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

// ---- functions as Lambda runs them

// What Lambda would put in a function's environment for each reference the template resolves to.
const DEPLOYED_VALUES: Record<string, string> = {
  'ref:EventBus': `s3-replication-doctor-${STAGE}`,
  'ref:DiagnosisDeadLetterQueue': `https://sqs.us-east-1.amazonaws.com/123456789012/s3-replication-doctor-${STAGE}-diagnosis-dlq`,
  'ref:ActDeadLetterQueue': `https://sqs.us-east-1.amazonaws.com/123456789012/s3-replication-doctor-${STAGE}-act-dlq`,
  'ref:NotificationTopic': `arn:aws:sns:us-east-1:123456789012:s3-replication-doctor-${STAGE}-notifications`,
  'ref:LedgerTable': `s3-replication-doctor-${STAGE}-ledger`,
  'ref:ModeParameter': `/s3-replication-doctor/${STAGE}/mode`,
  'ref:RedriveBucket': `s3-replication-doctor-${STAGE}-redrivebucket-1a2b3c4d5e6f`,
  'BatchReplicationRole.Arn': `arn:aws:iam::123456789012:role/s3-replication-doctor-${STAGE}-BatchReplicationRole-AbCdEf`,
  'IntakeQueue.Arn': `arn:aws:sqs:us-east-1:123456789012:s3-replication-doctor-${STAGE}-intake`,
};

function functionVariables(resolver: TemplateResolver, logicalId: string): Record<string, unknown> {
  return (props(resolver, logicalId).Environment as { Variables: Record<string, unknown> }).Variables;
}

/** A function's environment as deployed: references replaced by what Lambda would see. */
function functionEnvironment(resolver: TemplateResolver, logicalId: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(functionVariables(resolver, logicalId)).map(([name, value]) => {
      if (typeof value !== 'string') throw new Error(`${logicalId} ${name} is not a string`);
      const deployed = DEPLOYED_VALUES[value];
      if (deployed !== undefined) return [name, deployed];
      if (value.startsWith('ref:') || /^[A-Z]\w+\.Arn$/.test(value))
        throw new Error(`${logicalId} ${name}: no deployed value for ${value}`);
      return [name, value];
    }),
  );
}

/**
 * Loads a packaged function's bundle in a fresh Node process with only the given environment (plus what
 * Lambda sets), and returns `typeof handler`. A bundle that needs a module outside itself, or a handler that
 * reads a variable the stack does not set, fails here.
 */
// The SDK's multi-region (SigV4a) signing requires these only when a request needs SigV4a, inside a try that
// explains the missing package; no call of this project signs that way.
const GUARDED_OPTIONAL_REQUIRES = ['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a'];

/**
 * Unpacks a function's package and loads its handler in a fresh Node process, and then every other module
 * in the package (the chunks it loads on first use), so a chunk missing from the zip or failing to load is
 * caught here rather than at the first invocation that needs it. Returns the handler export's type.
 */
async function loadedHandlerType(
  zipPath: string,
  functionName: string,
  variables: Record<string, string>,
): Promise<string> {
  const entries = readZipEntries(readFileSync(zipPath));
  const names = [...entries.keys()];
  // Only this function's own folder: no dependencies, no other function's code.
  expect(names.filter((name) => !name.startsWith(`functions/${functionName}/`))).toEqual([]);
  expect(entries.get(`functions/${functionName}/handler.mjs`)).toBeDefined();
  const modules = names.filter((name) => name.endsWith('.mjs'));
  // Every module a lazy `import()` names is in the package, and nothing else is imported at run time but
  // Node's own modules (packages left out of the bundle, like bowser, must stay unreachable).
  for (const name of modules) {
    const text = String(entries.get(name));
    for (const [, target] of text.matchAll(/import\("\.\/([^"]+)"\)/g))
      expect(entries.has(`functions/${functionName}/${target}`), `${name} imports ${target}`).toBe(true);
    const outside = [...text.matchAll(/(?:\bimport\(|\bfrom ?|\brequire\()["']([^"']+)["']/g)]
      .map(([, specifier]) => specifier ?? '')
      .filter((specifier) => !specifier.startsWith('./') && !specifier.startsWith('node:'))
      .filter((specifier) => !GUARDED_OPTIONAL_REQUIRES.includes(specifier));
    expect(outside, `${name} imports from outside the package`).toEqual([]);
  }

  const directory = mkdtempSync(join(tmpdir(), 'srd-bundle-'));
  try {
    for (const [name, content] of entries) {
      mkdirSync(dirname(join(directory, name)), { recursive: true });
      writeFileSync(join(directory, name), content);
    }
    const url = (name: string) => JSON.stringify(pathToFileURL(join(directory, name)).href);
    const others = modules.filter((name) => name !== `functions/${functionName}/handler.mjs`);
    const script = [
      `const m = await import(${url(`functions/${functionName}/handler.mjs`)});`,
      ...others.map((name) => `await import(${url(name)});`),
      'console.log(typeof m.handler);',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'not-a-secret',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...variables,
      },
    });
    return stdout.trim();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
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

// ---- diagnoses, as the diagnose function puts them on the bus

const SCENARIOS = join(ROOT, 'events', 'scenarios');

function scenarioNames(): string[] {
  return readdirSync(SCENARIOS)
    .filter((name) => existsSync(join(SCENARIOS, name, 'event.json')))
    .sort();
}

/** The seed scenario whose cause is a missing destination bucket policy: one failure, one diagnosis. */
function seedScenario(): string {
  const name = 'cross-account-destination-bucket-policy-missing';
  expect(scenarioNames()).toContain(name);
  return name;
}

const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Runs a scenario's S3 notification through the intake as deployed (the pipe puts it on the bus, the rule
 * queues it) and through the diagnose function's own use case against the scenario's snapshot, and returns
 * the events that use case puts on the bus, as EventBridge would deliver them to a rule.
 */
async function diagnosisBusEvents(name: string, mode: Mode): Promise<Record<string, unknown>[]> {
  const intake = relayThroughPipe(readJson(join(SCENARIOS, name, 'event.json')));
  if (!intake) return [];
  const published: BusEntry[] = [];
  const outcome = await diagnoseQueueBatch([{ messageId: name, body: JSON.stringify(intake) }], {
    reads: snapshotReads(parseSnapshot(readJson(join(SCENARIOS, name, 'snapshot.json')))),
    publisher: {
      publish: async (entries) => {
        published.push(...entries);
        return { failedIndexes: [] };
      },
    },
    deadLetters: {
      send: async (letter) => {
        throw new Error(`${name} was dead-lettered: ${letter.reason}`);
      },
    },
    mode,
    log: quietLog,
  });
  expect(outcome.retryMessageIds, name).toEqual([]);
  return published.map((entry) => ({
    version: '0',
    id: '3f1b6c8e-4d2a-4b7e-9c1f-0a2b3c4d5e6f',
    'detail-type': entry.detailType,
    source: entry.source,
    account: '123456789012',
    time: '2024-09-05T21:04:45Z',
    region: 'us-east-1',
    resources: entry.resources ?? [],
    // PutEvents carries the detail as a JSON string.
    detail: JSON.parse(JSON.stringify(entry.detail)) as unknown,
  }));
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
      POWERTOOLS_METRICS_NAMESPACE: 'S3ReplicationDoctor',
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

  it('packages a self-contained bundle whose handler loads on Node with the environment the stack gives it', async () => {
    const variables = functionEnvironment(cfn, 'DiagnoseLambdaFunction');
    expect(await loadedHandlerType(join(ROOT, '.serverless', 'diagnose.zip'), 'diagnose', variables)).toBe(
      'function',
    );
  });

  it('outputs the bus, the queues, the topic, the ledger table, the mode parameter and the re-drive resources', () => {
    const output = (name: string) => cfn.resolve(template.Outputs?.[name]?.Value);
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
        'ActQueueUrl',
        'ActDeadLetterQueueUrl',
        'SweepDeadLetterQueueUrl',
      ]),
    );
    expect(output('IntakeQueueArn')).toBe('IntakeQueue.Arn');
    expect(output('EventBusArn')).toBe('EventBus.Arn');
    expect(output('NotificationTopicArn')).toBe('ref:NotificationTopic');
    expect(output('LedgerTableName')).toBe('ref:LedgerTable');
    expect(output('ModeParameterName')).toBe('ref:ModeParameter');
    expect(output('SweepDeadLetterQueueUrl')).toBe('ref:SweepDeadLetterQueue');
    expect(output('RedriveBucketName')).toBe('ref:RedriveBucket');
    expect(output('BatchReplicationRoleArn')).toBe('BatchReplicationRole.Arn');
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

  it('is one of exactly two rules on the bus, besides the schedules, and every rule has a target', () => {
    const rules = cfn.resourcesOfType('AWS::Events::Rule');
    expect(
      rules
        .filter((rule) => rule.Properties.EventBusName === 'ref:EventBus')
        .map((rule) => rule.logicalId)
        .sort(),
    ).toEqual(['DiagnosedRule', 'ReplicationEventsRule']);
    expect(rules.map((rule) => rule.logicalId).sort()).toEqual([
      'AuditEventsRuleSchedule1',
      'BatchJobsEventsRuleSchedule1',
      'DiagnosedRule',
      'ReplicationEventsRule',
      'SweepEventsRuleSchedule1',
    ]);
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

  it('accepts messages only from the replication events rule', () => {
    expect(props(cfn, 'DiagnosisQueuePolicy').Queues).toEqual(['ref:DiagnosisQueue']);
    expect(statements(cfn, 'DiagnosisQueuePolicy', template)).toEqual([
      {
        Sid: expect.any(String),
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: 'DiagnosisQueue.Arn',
        Condition: { ArnEquals: { 'aws:SourceArn': 'ReplicationEventsRule.Arn' } },
      },
    ]);
  });

  it('shares its rule dead-letter queue with the diagnosed rule, which alone may send to it besides', () => {
    expect(props(cfn, 'RuleTargetDeadLetterQueuePolicy').Queues).toEqual(['ref:RuleTargetDeadLetterQueue']);
    expect(statements(cfn, 'RuleTargetDeadLetterQueuePolicy', template)).toEqual([
      {
        Sid: expect.any(String),
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: 'RuleTargetDeadLetterQueue.Arn',
        Condition: { ArnEquals: { 'aws:SourceArn': ['ReplicationEventsRule.Arn', 'DiagnosedRule.Arn'] } },
      },
    ]);
  });

  it('feeds the diagnose function in batches of up to 100 with partial batch failures', () => {
    expect(eventSourceMapping('DiagnosisQueue.Arn')).toMatchObject({
      FunctionName: 'DiagnoseLambdaFunction.Arn',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      Enabled: true,
      ScalingConfig: {
        MaximumConcurrency: props(cfn, 'DiagnoseLambdaFunction').ReservedConcurrentExecutions,
      },
    });
  });
});

describe('DiagnosedRule', () => {
  it('is enabled on the bus and targets the act queue with retries and the rule dead-letter queue', () => {
    const rule = props(cfn, 'DiagnosedRule');
    expect(rule.EventPattern).toEqual({
      source: [DIAGNOSIS_EVENT.source],
      'detail-type': [DIAGNOSIS_EVENT.detailType],
    });
    expect(rule.State).toBe('ENABLED');
    expect(rule.EventBusName).toBe('ref:EventBus');
    expect(rule.Targets).toEqual([
      {
        Id: 'act-queue',
        Arn: 'ActQueue.Arn',
        DeadLetterConfig: { Arn: 'RuleTargetDeadLetterQueue.Arn' },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      },
    ]);
  });

  it('matches every diagnosis the diagnose function puts on the bus for the sample scenarios', async () => {
    let diagnoses = 0;
    for (const name of scenarioNames()) {
      for (const event of await diagnosisBusEvents(name, 'plan')) {
        diagnoses += 1;
        expect(event.detail, name).toEqual({
          failure: expect.objectContaining({ sourceBucket: expect.any(String) }),
          diagnosis: expect.objectContaining({ verdict: expect.any(String) }),
          mode: 'plan',
        });
        expect(matchesEventPattern(rulePattern('DiagnosedRule'), event), name).toBe(true);
        expect(matchesEventPattern(rulePattern('ReplicationEventsRule'), event), name).toBe(false);
      }
    }
    expect(diagnoses).toBeGreaterThan(30);
  });

  it('matches diagnoses made in auto mode too', async () => {
    const [event] = await diagnosisBusEvents(seedScenario(), 'auto');
    expect(event?.detail).toMatchObject({ mode: 'auto' });
    expect(matchesEventPattern(rulePattern('DiagnosedRule'), event)).toBe(true);
  });

  it('does not match intake events, nor a diagnosis from another source or of another detail-type', async () => {
    for (const { name, notification } of recordSamples()) {
      expect(matchesEventPattern(rulePattern('DiagnosedRule'), busEvent(notification)), name).toBe(false);
    }
    const [event] = await diagnosisBusEvents(seedScenario(), 'plan');
    expect(event).toBeDefined();
    expect(matchesEventPattern(rulePattern('DiagnosedRule'), { ...event, source: INTAKE_EVENT.source })).toBe(
      false,
    );
    expect(
      matchesEventPattern(rulePattern('DiagnosedRule'), { ...event, 'detail-type': INTAKE_EVENT.detailType }),
    ).toBe(false);
  });
});

describe('act queue', () => {
  it('is encrypted, redrives after 3 receives and hides a message for at least 6 act function timeouts', () => {
    const queue = props(cfn, 'ActQueue');
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: 'ActDeadLetterQueue.Arn',
      maxReceiveCount: 3,
    });
    const timeout = props(cfn, 'ActLambdaFunction').Timeout as number;
    expect(queue.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * timeout);
  });

  it('keeps dead letters of the act function for 14 days, encrypted', () => {
    const dlq = props(cfn, 'ActDeadLetterQueue');
    expect(dlq.SqsManagedSseEnabled).toBe(true);
    expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('accepts messages only from the diagnosed rule', () => {
    expect(props(cfn, 'ActQueuePolicy').Queues).toEqual(['ref:ActQueue']);
    expect(statements(cfn, 'ActQueuePolicy', template)).toEqual([
      {
        Sid: expect.any(String),
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: 'ActQueue.Arn',
        Condition: { ArnEquals: { 'aws:SourceArn': 'DiagnosedRule.Arn' } },
      },
    ]);
  });
});

describe('act function', () => {
  it('runs the bundled ESM handler on nodejs22.x, arm64, with its own role, 5 minutes and at most 2 instances', () => {
    const fn = props(cfn, 'ActLambdaFunction');
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('functions/act/handler.handler');
    expect(fn.MemorySize).toBe(1024);
    expect(fn.Timeout).toBe(300);
    expect(fn.ReservedConcurrentExecutions).toBe(2);
    expect(fn.Role).toBe('ActRole.Arn');
  });

  it('takes the act queue in batches of up to 50 with partial batch failures, polled by no more than its instances', () => {
    expect(eventSourceMapping('ActQueue.Arn')).toMatchObject({
      FunctionName: 'ActLambdaFunction.Arn',
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      Enabled: true,
      ScalingConfig: { MaximumConcurrency: props(cfn, 'ActLambdaFunction').ReservedConcurrentExecutions },
    });
  });

  it('gets every resource it uses and the default settings through the environment', () => {
    expect(functionVariables(cfn, 'ActLambdaFunction')).toEqual({
      EVENT_BUS_NAME: 'ref:EventBus',
      TOPIC_ARN: 'ref:NotificationTopic',
      LEDGER_TABLE: 'ref:LedgerTable',
      MODE_PARAMETER_NAME: 'ref:ModeParameter',
      MODE: 'plan',
      SLACK_SECRET: '',
      SLACK_CHANNEL: '',
      WEBHOOK_SECRET: '',
      DEAD_LETTER_QUEUE_URL: 'ref:ActDeadLetterQueue',
      DESTINATION_READ_ROLE_ARN: '',
      AUTO_RETRIGGER: '',
      MAX_COPIES_PER_OBJECT: '1',
      COPY_RATE_PER_SECOND: '50',
      SLACK_UPDATE_INTERVAL_SECONDS: '300',
      DIGEST_INTERVAL_SECONDS: '3600',
      POWERTOOLS_SERVICE_NAME: 's3-replication-doctor',
      POWERTOOLS_METRICS_NAMESPACE: 'S3ReplicationDoctor',
      LOG_LEVEL: 'INFO',
    });
  });

  it('gets the configured settings, and references to the secrets rather than the secrets', () => {
    expect(functionVariables(configured, 'ActLambdaFunction')).toMatchObject({
      MODE: 'auto',
      SLACK_SECRET: CONFIGURED.slackSecret,
      SLACK_CHANNEL: CONFIGURED.slackChannel,
      WEBHOOK_SECRET: CONFIGURED.webhookSecret,
      DESTINATION_READ_ROLE_ARN: CONFIGURED.destinationReadRoleArn,
      AUTO_RETRIGGER: CONFIGURED.autoRetrigger,
      MAX_COPIES_PER_OBJECT: CONFIGURED.maxCopiesPerObject,
      COPY_RATE_PER_SECOND: CONFIGURED.copyRatePerSecond,
      SLACK_UPDATE_INTERVAL_SECONDS: CONFIGURED.slackUpdateIntervalSeconds,
      DIGEST_INTERVAL_SECONDS: CONFIGURED.digestIntervalSeconds,
    });
  });

  it('keeps the function logs for 30 days', () => {
    expect(props(cfn, 'ActLogGroup').RetentionInDays).toBe(30);
  });

  it('packages a self-contained bundle whose handler loads with the environment the stack gives it', async () => {
    const zip = join(ROOT, '.serverless', 'act.zip');
    expect(await loadedHandlerType(zip, 'act', functionEnvironment(cfn, 'ActLambdaFunction'))).toBe(
      'function',
    );
    expect(await loadedHandlerType(zip, 'act', functionEnvironment(configured, 'ActLambdaFunction'))).toBe(
      'function',
    );
  });
});

describe('notification topic', () => {
  const emailSubscriptions = (resolver: TemplateResolver) =>
    resolver
      .resourcesOfType('AWS::SNS::Subscription')
      .map((subscription) => subscription.Properties)
      .filter((subscription) => subscription.TopicArn === 'ref:NotificationTopic');

  it('is encrypted with the AWS managed SNS key and named after the service and stage', () => {
    expect(props(cfn, 'NotificationTopic')).toMatchObject({
      TopicName: `s3-replication-doctor-${STAGE}-notifications`,
      KmsMasterKeyId: 'alias/aws/sns',
    });
  });

  it('has no email subscription when no address is given', () => {
    expect(emailSubscriptions(cfn)).toEqual([]);
  });

  it('subscribes each given address by email', () => {
    expect(emailSubscriptions(configured)).toEqual([
      { TopicArn: 'ref:NotificationTopic', Protocol: 'email', Endpoint: 'ops@example.com' },
      { TopicArn: 'ref:NotificationTopic', Protocol: 'email', Endpoint: 'storage-team@example.com' },
    ]);
  });

  it('subscribes all three addresses the stack allows (a fourth fails the parameter check)', () => {
    expect(emailSubscriptions(alternate).map((subscription) => subscription.Endpoint)).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
  });
});

describe('ledger table', () => {
  const byName = (definitions: readonly { AttributeName: string }[]) =>
    [...definitions].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName));

  it('declares exactly the keys, attributes and indexes the ledger code defines', () => {
    const table = props(cfn, 'LedgerTable');
    expect(table.KeySchema).toEqual(LEDGER_TABLE_DEFINITION.KeySchema);
    expect(table.GlobalSecondaryIndexes).toEqual(LEDGER_TABLE_DEFINITION.GlobalSecondaryIndexes);
    expect(table.BillingMode).toBe(LEDGER_TABLE_DEFINITION.BillingMode);
    // DynamoDB does not care about the order of attribute definitions.
    expect(byName(table.AttributeDefinitions as { AttributeName: string }[])).toEqual(
      byName(LEDGER_TABLE_DEFINITION.AttributeDefinitions),
    );
  });

  it('is encrypted, recoverable to a point in time, and expires items by the attribute the code sets', () => {
    expect(props(cfn, 'LedgerTable')).toMatchObject({
      TableName: `s3-replication-doctor-${STAGE}-ledger`,
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: LEDGER_TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('is the only table', () => {
    expect(cfn.resourcesOfType('AWS::DynamoDB::Table').map((table) => table.logicalId)).toEqual([
      'LedgerTable',
    ]);
  });
});

describe('mode parameter', () => {
  it('is a String parameter named after the service and stage, holding the mode param', () => {
    expect(props(cfn, 'ModeParameter')).toMatchObject({
      Name: `/s3-replication-doctor/${STAGE}/mode`,
      Type: 'String',
      Value: 'plan',
    });
    expect(props(configured, 'ModeParameter').Value).toBe('auto');
  });

  it('accepts every form the act function reads and refuses other values, also when switched at run time', () => {
    const allowed = new RegExp(props(cfn, 'ModeParameter').AllowedPattern as string);
    const readable = [
      'plan',
      'auto',
      '{"mode":"auto","autoRetrigger":["DstObjectHardDeleted"]}',
      '{\n  "mode": "auto",\n  "autoRetrigger": ["*"]\n}',
    ];
    for (const value of readable) {
      expect(parseActionSettings(value).success, value).toBe(true);
      expect(allowed.test(value), value).toBe(true);
    }
    for (const value of ['', 'planned', 'off', 'automatic', 'plan auto', '["auto"]']) {
      expect(parseActionSettings(value).success, value).toBe(false);
      expect(allowed.test(value), JSON.stringify(value)).toBe(false);
    }
  });

  it('is the parameter the act and sweep functions are told about and may read', () => {
    const { Name } = props(cfn, 'ModeParameter');
    for (const [fn, role] of [
      ['ActLambdaFunction', 'ActRole'],
      ['SweepLambdaFunction', 'SweepRole'],
    ] as const) {
      expect(functionVariables(cfn, fn).MODE_PARAMETER_NAME, fn).toBe('ref:ModeParameter');
      expect(
        resourcesOf(statementBySid(statements(cfn, `${role}.Policies`, template), 'ReadModeParameter')),
        role,
      ).toEqual([`arn:aws:ssm:us-east-1:123456789012:parameter${String(Name)}`]);
    }
  });
});

describe('sweep function', () => {
  const SWEEP = 'SweepLambdaFunction';

  /** Seconds between two runs of a `rate(...)` schedule expression. */
  function rateSeconds(expression: unknown): number {
    const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(String(expression));
    if (!match) throw new Error(`not a rate expression: ${String(expression)}`);
    const unit = { minute: 60, hour: 3600, day: 86400 }[match[2] as 'minute' | 'hour' | 'day'];
    return Number(match[1]) * unit;
  }

  const scheduleRules = (resolver: TemplateResolver) =>
    resolver
      .resourcesOfType('AWS::Events::Rule')
      .filter((rule) => rule.Properties.ScheduleExpression !== undefined)
      .filter((rule) =>
        (rule.Properties.Targets as { Arn: unknown }[]).some((target) => target.Arn === `${SWEEP}.Arn`),
      );

  it('runs the bundled ESM handler on nodejs22.x, arm64, with its own role, 15 minutes and one instance at a time', () => {
    const fn = props(cfn, SWEEP);
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('functions/sweep/handler.handler');
    expect(fn.MemorySize).toBe(1024);
    expect(fn.Timeout).toBe(900);
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Role).toBe('SweepRole.Arn');
  });

  it('runs every 5 minutes by default, and on the configured schedule when one is given', () => {
    const [rule, ...others] = scheduleRules(cfn);
    expect(others).toEqual([]);
    expect(rule?.Properties).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [expect.objectContaining({ Arn: `${SWEEP}.Arn` })],
    });
    expect(rule?.Properties.EventBusName).toBeUndefined();
    expect(scheduleRules(configured).map((item) => item.Properties.ScheduleExpression)).toEqual([
      CONFIGURED.sweepSchedule,
    ]);
  });

  it('may be invoked by its schedule rule alone', () => {
    const permissions = cfn
      .resourcesOfType('AWS::Lambda::Permission')
      .map((permission) => permission.Properties)
      .filter((permission) => permission.FunctionName === `${SWEEP}.Arn`);
    expect(permissions).toEqual([
      {
        FunctionName: `${SWEEP}.Arn`,
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: `${scheduleRules(cfn)[0]?.logicalId}.Arn`,
      },
    ]);
  });

  it('is not retried when it fails, which sends the invocation to its dead-letter queue', () => {
    const [config, ...others] = cfn
      .resourcesOfType('AWS::Lambda::EventInvokeConfig')
      .filter((item) => item.Properties.FunctionName === `ref:${SWEEP}`);
    expect(others).toEqual([]);
    expect(config?.Properties).toMatchObject({
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: 'SweepDeadLetterQueue.Arn' } },
    });
    expect(config?.Properties.DestinationConfig).not.toHaveProperty('OnSuccess');
  });

  it('drops a sweep throttled by a running one within one default interval, so sweeps never pile up', () => {
    const [config] = cfn
      .resourcesOfType('AWS::Lambda::EventInvokeConfig')
      .filter((item) => item.Properties.FunctionName === `ref:${SWEEP}`);
    const maximumAge = config?.Properties.MaximumEventAgeInSeconds as number;
    // Lambda accepts 60 s to 6 hours; without a bound a throttled event is retried for the full 6 hours.
    expect(maximumAge).toBeGreaterThanOrEqual(60);
    expect(maximumAge).toBeLessThanOrEqual(rateSeconds(scheduleRules(cfn)[0]?.Properties.ScheduleExpression));
  });

  it('gets every resource it uses and the default settings through the environment', () => {
    expect(functionVariables(cfn, SWEEP)).toEqual({
      LEDGER_TABLE: 'ref:LedgerTable',
      TOPIC_ARN: 'ref:NotificationTopic',
      MODE_PARAMETER_NAME: 'ref:ModeParameter',
      MODE: 'plan',
      AUTO_RETRIGGER: '',
      SLACK_SECRET: '',
      SLACK_CHANNEL: '',
      WEBHOOK_SECRET: '',
      DESTINATION_READ_ROLE_ARN: '',
      COPY_THRESHOLD: '1000',
      SLACK_UPDATE_INTERVAL_SECONDS: '300',
      DIGEST_INTERVAL_SECONDS: '3600',
      SPOT_CHECK: '5',
      COPY_RATE_PER_SECOND: '50',
      MAX_COPIES_PER_OBJECT: '1',
      POWERTOOLS_SERVICE_NAME: 's3-replication-doctor',
      POWERTOOLS_METRICS_NAMESPACE: 'S3ReplicationDoctor',
      LOG_LEVEL: 'INFO',
    });
  });

  it('gets the configured settings, and references to the secrets rather than the secrets', () => {
    expect(functionVariables(configured, SWEEP)).toMatchObject({
      MODE: 'auto',
      AUTO_RETRIGGER: CONFIGURED.autoRetrigger,
      SLACK_SECRET: CONFIGURED.slackSecret,
      SLACK_CHANNEL: CONFIGURED.slackChannel,
      WEBHOOK_SECRET: CONFIGURED.webhookSecret,
      DESTINATION_READ_ROLE_ARN: CONFIGURED.destinationReadRoleArn,
      COPY_THRESHOLD: CONFIGURED.copyThreshold,
      SLACK_UPDATE_INTERVAL_SECONDS: CONFIGURED.slackUpdateIntervalSeconds,
      DIGEST_INTERVAL_SECONDS: CONFIGURED.digestIntervalSeconds,
      SPOT_CHECK: CONFIGURED.spotCheck,
      COPY_RATE_PER_SECOND: CONFIGURED.copyRatePerSecond,
      MAX_COPIES_PER_OBJECT: CONFIGURED.maxCopiesPerObject,
    });
  });

  it('shares the incident notification intervals and the metrics namespace with the act function', () => {
    for (const resolver of [cfn, configured]) {
      const act = functionVariables(resolver, 'ActLambdaFunction');
      const sweep = functionVariables(resolver, SWEEP);
      for (const name of [
        'SLACK_UPDATE_INTERVAL_SECONDS',
        'DIGEST_INTERVAL_SECONDS',
        'POWERTOOLS_METRICS_NAMESPACE',
        'MODE',
        'AUTO_RETRIGGER',
        'SLACK_SECRET',
        'SLACK_CHANNEL',
        'WEBHOOK_SECRET',
      ])
        expect(sweep[name], name).toBe(act[name]);
    }
    expect(functionVariables(cfn, 'DiagnoseLambdaFunction').POWERTOOLS_METRICS_NAMESPACE).toBe(
      'S3ReplicationDoctor',
    );
  });

  it('keeps the function logs for 30 days', () => {
    expect(props(cfn, 'SweepLogGroup').RetentionInDays).toBe(30);
  });

  it('packages a self-contained bundle whose handler loads with the environment the stack gives it', async () => {
    const zip = join(ROOT, '.serverless', 'sweep.zip');
    expect(await loadedHandlerType(zip, 'sweep', functionEnvironment(cfn, SWEEP))).toBe('function');
    expect(await loadedHandlerType(zip, 'sweep', functionEnvironment(configured, SWEEP))).toBe('function');
  });
});

describe('sweep dead-letter queue', () => {
  it('keeps failed and dropped sweeps for 14 days, encrypted', () => {
    expect(props(cfn, 'SweepDeadLetterQueue')).toMatchObject({
      QueueName: `s3-replication-doctor-${STAGE}-sweep-dlq`,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('has no queue policy: only the sweep role, as the function sends its failures, may send to it', () => {
    const policies = cfn
      .resourcesOfType('AWS::SQS::QueuePolicy')
      .filter((policy) => (policy.Properties.Queues as unknown[]).includes('ref:SweepDeadLetterQueue'));
    expect(policies).toEqual([]);
    const senders = cfn
      .resourcesOfType('AWS::IAM::Role')
      .filter((role) =>
        statements(cfn, `${role.logicalId}.Policies`, template).some((statement) =>
          resourcesOf(statement).includes('SweepDeadLetterQueue.Arn'),
        ),
      )
      .map((role) => role.logicalId);
    expect(senders).toEqual(['SweepRole']);
  });
});

describe('batchJobs function', () => {
  const JOBS = 'BatchJobsLambdaFunction';
  const scheduleOf = (resolver: TemplateResolver, target: string) =>
    resolver
      .resourcesOfType('AWS::Events::Rule')
      .filter((rule) => rule.Properties.ScheduleExpression !== undefined)
      .filter((rule) =>
        (rule.Properties.Targets as { Arn: unknown }[]).some((item) => item.Arn === `${target}.Arn`),
      );

  it('runs the bundled ESM handler on nodejs22.x, arm64, with its own role, 15 minutes and one instance at a time', () => {
    const fn = props(cfn, JOBS);
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('functions/batch-jobs/handler.handler');
    expect(fn.Timeout).toBe(900);
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Role).toBe('BatchJobsRole.Arn');
  });

  it('runs on the sweep schedule, default and configured, and may be invoked by that rule alone', () => {
    for (const resolver of [cfn, configured]) {
      const [rule, ...others] = scheduleOf(resolver, JOBS);
      expect(others).toEqual([]);
      expect(rule?.Properties.ScheduleExpression).toBe(
        scheduleOf(resolver, 'SweepLambdaFunction')[0]?.Properties.ScheduleExpression,
      );
    }
    const permissions = cfn
      .resourcesOfType('AWS::Lambda::Permission')
      .map((permission) => permission.Properties)
      .filter((permission) => permission.FunctionName === `${JOBS}.Arn`);
    expect(permissions).toEqual([
      {
        FunctionName: `${JOBS}.Arn`,
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: `${scheduleOf(cfn, JOBS)[0]?.logicalId}.Arn`,
      },
    ]);
  });

  it('is not retried when it fails, and a run throttled by a running one is dropped: both to its dead-letter queue', () => {
    const [config, ...others] = cfn
      .resourcesOfType('AWS::Lambda::EventInvokeConfig')
      .filter((item) => item.Properties.FunctionName === `ref:${JOBS}`);
    expect(others).toEqual([]);
    expect(config?.Properties).toMatchObject({
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 300,
      DestinationConfig: { OnFailure: { Destination: 'BatchJobsDeadLetterQueue.Arn' } },
    });
  });

  it('gets the incident table, the re-drive bucket, the job role and the account through the environment', () => {
    expect(functionVariables(cfn, JOBS)).toEqual({
      LEDGER_TABLE: 'ref:LedgerTable',
      REDRIVE_BUCKET: 'ref:RedriveBucket',
      BATCH_ROLE_ARN: 'BatchReplicationRole.Arn',
      ACCOUNT_ID: '123456789012',
      POWERTOOLS_SERVICE_NAME: 's3-replication-doctor',
      POWERTOOLS_METRICS_NAMESPACE: 'S3ReplicationDoctor',
      LOG_LEVEL: 'INFO',
    });
  });

  it('keeps its failed runs for 14 days, encrypted, and its logs for 30 days', () => {
    expect(props(cfn, 'BatchJobsDeadLetterQueue')).toMatchObject({
      QueueName: `s3-replication-doctor-${STAGE}-batch-jobs-dlq`,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    expect(props(cfn, 'BatchJobsLogGroup').RetentionInDays).toBe(30);
  });

  it('packages a self-contained bundle whose handler loads with the environment the stack gives it', async () => {
    const zip = join(ROOT, '.serverless', 'batchJobs.zip');
    expect(await loadedHandlerType(zip, 'batch-jobs', functionEnvironment(cfn, JOBS))).toBe('function');
  });
});

describe('re-drive bucket', () => {
  const REDRIVE_PREFIXES = ['manifests/', 'reports/'];

  it('encrypts with SSE-S3, so Batch Operations reads and writes it without a KMS permission', () => {
    expect(props(cfn, 'RedriveBucket').BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  it('blocks every form of public access and disables ACLs', () => {
    const bucket = props(cfn, 'RedriveBucket');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  it('is not versioned and expires manifests and reports after 30 days', () => {
    const bucket = props(cfn, 'RedriveBucket');
    expect(bucket.VersioningConfiguration).toBeUndefined();
    const rules = (bucket.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    const expiring = rules.filter((rule) => rule.ExpirationInDays !== undefined);
    expect(
      expiring.map((rule) => ({ prefix: rule.Prefix, days: rule.ExpirationInDays, status: rule.Status })),
    ).toEqual(REDRIVE_PREFIXES.map((prefix) => ({ prefix, days: 30, status: 'Enabled' })));
    expect(rules).toContainEqual(
      expect.objectContaining({
        Status: 'Enabled',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }),
    );
  });

  it('refuses every request to the bucket or its files not made over TLS', () => {
    expect(props(cfn, 'RedriveBucketPolicy').Bucket).toBe('ref:RedriveBucket');
    expect(statements(cfn, 'RedriveBucketPolicy', template)).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: ['RedriveBucket.Arn', 'RedriveBucket.Arn/*'],
        Condition: { Bool: { 'aws:SecureTransport': false } },
      },
    ]);
  });

  it('is touched, by any role of the stack, only under the prefixes its lifecycle expires', () => {
    const touched = cfn
      .resourcesOfType('AWS::IAM::Role')
      .flatMap((role) => statements(cfn, `${role.logicalId}.Policies`, template))
      .flatMap(resourcesOf)
      .filter((resource) => String(resource).startsWith('RedriveBucket.Arn'));
    expect(touched.length).toBeGreaterThan(0);
    for (const resource of touched)
      expect(REDRIVE_PREFIXES.map((prefix) => `RedriveBucket.Arn/${prefix}*`)).toContain(resource);
  });

  it('is named by CloudFormation (bucket names are global) and handed to the Batch Replication job runner', () => {
    expect(props(cfn, 'RedriveBucket').BucketName).toBeUndefined();
    expect(functionVariables(cfn, 'BatchJobsLambdaFunction').REDRIVE_BUCKET).toBe('ref:RedriveBucket');
    expect(functionVariables(cfn, 'SweepLambdaFunction')).not.toHaveProperty('REDRIVE_BUCKET');
  });
});

describe('encryption at rest', () => {
  it('encrypts every queue, the notification topic, the ledger table and every bucket, whatever the configuration', () => {
    for (const [resolver] of variants()) {
      const queues = resolver.resourcesOfType('AWS::SQS::Queue');
      expect(queues.length).toBeGreaterThanOrEqual(8);
      for (const queue of queues) expect(queue.Properties.SqsManagedSseEnabled, queue.logicalId).toBe(true);
      for (const topic of resolver.resourcesOfType('AWS::SNS::Topic')) {
        // CloudWatch alarms cannot publish to a topic under the AWS managed key; alarms carry no object data.
        if (topic.logicalId === 'AlarmTopic') continue;
        expect(topic.Properties.KmsMasterKeyId, topic.logicalId).toBe('alias/aws/sns');
      }
      for (const table of resolver.resourcesOfType('AWS::DynamoDB::Table'))
        expect(table.Properties.SSESpecification, table.logicalId).toEqual({ SSEEnabled: true });
      const buckets = resolver.resourcesOfType('AWS::S3::Bucket');
      expect(buckets.map((bucket) => bucket.logicalId)).toContain('RedriveBucket');
      for (const bucket of buckets)
        expect(bucket.Properties.BucketEncryption, bucket.logicalId).toEqual({
          ServerSideEncryptionConfiguration: [
            expect.objectContaining({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }),
          ],
        });
    }
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
    const deadLetterQueues = cfn
      .resourcesOfType('AWS::SQS::Queue')
      .map((queue) => queue.logicalId)
      .filter((logicalId) => logicalId.endsWith('DeadLetterQueue'));
    expect(deadLetterQueues).toHaveLength(7);
    expect(queues.sort()).toEqual(deadLetterQueues.map((logicalId) => `${logicalId}.QueueName`).sort());
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
  const allDocuments = (): PolicyDocumentAt[] =>
    variants().flatMap(([resolver, source]) => policyDocuments(resolver, source));

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

  it('defines no role other than the pipe, function and Batch Replication roles written here', () => {
    expect(cfn.resourcesOfType('AWS::IAM::Role').map((role) => role.logicalId)).toEqual([
      'IntakePipeRole',
      'DiagnoseRole',
      'ActRole',
      'BatchReplicationRole',
      'SweepRole',
      'BatchJobsRole',
      'EnrolRole',
      'AuditRole',
    ]);
  });

  it('allows no wildcard action anywhere in the stack (a deny may use one: it only takes away)', () => {
    for (const [resolver, source] of variants()) {
      for (const { location, statements: list } of policyDocuments(resolver, source)) {
        for (const statement of list.filter((item) => item.Effect === 'Allow')) {
          for (const action of actionsOf(statement))
            expect(action, `${location} ${statement.Sid}`).not.toContain('*');
        }
      }
    }
  });

  it('lets the roles that use the ledger make every DynamoDB call the code sends, read from the code itself', () => {
    // The DynamoDB commands each module imports, as IAM actions (dynalite, which the tests use, has no IAM).
    const ACTION_OF: Record<string, string> = {
      Get: 'dynamodb:GetItem',
      Put: 'dynamodb:PutItem',
      Update: 'dynamodb:UpdateItem',
      Delete: 'dynamodb:DeleteItem',
      Query: 'dynamodb:Query',
      Scan: 'dynamodb:Scan',
      BatchGet: 'dynamodb:BatchGetItem',
      BatchWrite: 'dynamodb:BatchWriteItem',
      TransactWrite: 'dynamodb:TransactWriteItems',
    };
    const sentBy = (folder: string): string[] =>
      readdirSync(join(ROOT, folder))
        .filter((name) => name.endsWith('.ts'))
        .flatMap((name) => {
          const text = readFileSync(join(ROOT, folder, name), 'utf8');
          return [...text.matchAll(/import \{([^}]*)\} from '@aws-sdk\/(?:lib|client)-dynamodb'/g)].flatMap(
            ([, names]) =>
              (names ?? '')
                .split(',')
                .map((item) => item.trim())
                .filter((item) => !item.startsWith('type ') && item.endsWith('Command'))
                .map((item) => {
                  const action = ACTION_OF[item.replace(/(Item)?Command$/, '')];
                  expect(action, `${folder}/${name}: ${item}`).toBeDefined();
                  return action ?? item;
                }),
          );
        });
    const ledgerCalls = [...new Set([...sentBy('shared/incidents'), ...sentBy('shared/ledger')])].sort();
    expect(ledgerCalls).toContain('dynamodb:BatchGetItem');
    for (const role of ['ActRole', 'SweepRole', 'BatchJobsRole']) {
      const allowed = actionsOf(statementBySid(statements(cfn, `${role}.Policies`, template), 'UseLedger'));
      expect(
        ledgerCalls.filter((action) => !allowed.includes(action)),
        role,
      ).toEqual([]);
    }
    const auditCalls = [...new Set(sentBy('shared/audit'))].sort();
    const audit = actionsOf(
      statementBySid(statements(cfn, 'AuditRole.Policies', template), 'RecordAuditFindings'),
    );
    expect(auditCalls.filter((action) => !audit.includes(action))).toEqual([]);
  });

  it('lets every function role that diagnoses make every read call the live gateway can send', () => {
    for (const [service, commands] of Object.entries(LIVE_COMMANDS)) {
      for (const command of commands) {
        const action = IAM_ACTION_OF_COMMAND[`${service}.${command}`];
        expect(action, `${service}.${command} has no IAM action in this test's table`).toBeDefined();
        if (action === null) continue;
        for (const role of ['DiagnoseRole', 'ActRole', 'SweepRole', 'AuditRole'])
          expect(statements(cfn, `${role}.Policies`, template).flatMap(actionsOf), role).toContain(action);
      }
    }
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
      /^s3:(CreateJob|InitiateReplication)$/,
      /^iam:(Put|Create|Update|Attach|Delete|Pass)/,
      /^dynamodb:/,
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

    it('has no write action and no wildcard action, whatever the configuration', () => {
      for (const [resolver, source] of variants()) {
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
          's3:GetBucketAcl',
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

  describe('act role', () => {
    const actStatements = (resolver: TemplateResolver, source: Template) =>
      statements(resolver, 'ActRole.Policies', source);

    // Copy in place reads the source version's Object Lock settings (HeadObject hides them otherwise) and
    // writes a new version of the object, nothing else (CopyObject and the multipart calls are s3:PutObject).
    const COPY_ACTIONS = [
      's3:AbortMultipartUpload',
      's3:GetObjectLegalHold',
      's3:GetObjectRetention',
      's3:ListMultipartUploadParts',
      's3:PutObject',
      's3:PutObjectAcl',
      's3:PutObjectLegalHold',
      's3:PutObjectRetention',
      's3:PutObjectTagging',
    ];
    const READ_ONLY = /^(s3|iam|kms|organizations):(Get|List|Describe)[A-Za-z]+$/;
    const KEYS_IN_REGION = 'arn:aws:kms:us-east-1:*:key/*';
    const MODE_PARAMETER_ARN = `arn:aws:ssm:us-east-1:123456789012:parameter/s3-replication-doctor/${STAGE}/mode`;
    // With no secrets and no enrolled buckets, the actions that are not reads, each pinned to what it may touch.
    const NON_READ_RESOURCES: Record<string, unknown[]> = {
      'logs:CreateLogStream': ['ActLogGroup.Arn'],
      'logs:PutLogEvents': ['ActLogGroup.Arn'],
      'sqs:ReceiveMessage': ['ActQueue.Arn'],
      'sqs:DeleteMessage': ['ActQueue.Arn'],
      'sqs:GetQueueAttributes': ['ActQueue.Arn'],
      'sqs:SendMessage': ['ActDeadLetterQueue.Arn'],
      'events:PutEvents': ['EventBus.Arn'],
      'sns:Publish': ['ref:NotificationTopic'],
      'ssm:GetParameter': [MODE_PARAMETER_ARN],
      'kms:Decrypt': [KEYS_IN_REGION],
      'kms:GenerateDataKey': [KEYS_IN_REGION],
      'kms:Encrypt': [KEYS_IN_REGION],
      ...Object.fromEntries(
        ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchGetItem', 'BatchWriteItem'].map((action) => [
          `dynamodb:${action}`,
          ['LedgerTable.Arn', `LedgerTable.Arn/index/${LEDGER_GSI1}`],
        ]),
      ),
      ...Object.fromEntries(
        COPY_ACTIONS.filter((action) => !READ_ONLY.test(action)).map((action) => [
          action,
          ['arn:aws:s3:::*/*'],
        ]),
      ),
    };

    const secretStatements = (resolver: TemplateResolver, source: Template) =>
      actStatements(resolver, source).filter(
        (statement) =>
          statement.Sid !== 'ReadModeParameter' &&
          actionsOf(statement).some((action) => /^(ssm|secretsmanager):/.test(action)),
      );
    const decryptVia = (resolver: TemplateResolver, source: Template) =>
      actStatements(resolver, source)
        .filter((statement) => statement.Sid?.startsWith('Decrypt'))
        .map((statement) => ({
          sid: statement.Sid,
          actions: actionsOf(statement),
          resources: resourcesOf(statement),
          via: statement.Condition?.StringEquals?.['kms:ViaService'],
        }));

    it('trusts only Lambda', () => {
      expect(statements(cfn, 'ActRole.AssumeRolePolicyDocument', template)).toEqual([
        {
          Sid: 'TrustLambda',
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ]);
    });

    it('reads exactly as the diagnose role does, whatever the configuration, so a re-diagnosis sees the same', () => {
      for (const [resolver, source] of variants()) {
        const reads = statements(resolver, 'DiagnoseRole.Policies', source).filter(
          (statement) => statement.Sid?.startsWith('Read') || statement.Sid === 'AssumeDestinationReadRole',
        );
        expect(reads.length).toBeGreaterThan(6);
        const act = actStatements(resolver, source);
        for (const read of reads) expect(statementBySid(act, read.Sid ?? ''), read.Sid).toEqual(read);
      }
      expect(actStatements(configured, configuredTemplate).map((statement) => statement.Sid)).toContain(
        'AssumeDestinationReadRole',
      );
    });

    it('pins every action that is not a read to the one resource it may touch', () => {
      for (const statement of actStatements(cfn, template)) {
        for (const action of actionsOf(statement)) {
          if (READ_ONLY.test(action)) continue;
          expect(NON_READ_RESOURCES[action], `${statement.Sid}: ${action}`).toBeDefined();
          expect(resourcesOf(statement), `${statement.Sid}: ${action}`).toEqual(NON_READ_RESOURCES[action]);
        }
      }
    });

    it('writes nothing but new versions of objects: no delete, bucket-level or replication write', () => {
      for (const [resolver, source] of variants()) {
        const act = actStatements(resolver, source);
        expect(actionsOf(statementBySid(act, 'CopyObjectsInPlace')).sort()).toEqual(COPY_ACTIONS);
        const s3Writes = act
          .flatMap(actionsOf)
          .filter((action) => action.startsWith('s3:') && !READ_ONLY.test(action));
        expect(s3Writes.sort()).toEqual(COPY_ACTIONS.filter((action) => !READ_ONLY.test(action)));
      }
    });

    it('copies in place in any bucket this account owns when no bucket is enrolled', () => {
      const copy = statementBySid(actStatements(cfn, template), 'CopyObjectsInPlace');
      expect(resourcesOf(copy)).toEqual(['arn:aws:s3:::*/*']);
      expect(copy.Condition).toEqual({ StringEquals: { 's3:ResourceAccount': '123456789012' } });
    });

    it('copies in place, and reads what it copies, in the enrolled buckets only when they are configured', () => {
      const act = actStatements(configured, configuredTemplate);
      const enrolledObjects = ['arn:aws:s3:::my-source-bucket-use1/*', 'arn:aws:s3:::second-source-bucket/*'];
      const copy = statementBySid(act, 'CopyObjectsInPlace');
      expect(resourcesOf(copy)).toEqual(enrolledObjects);
      expect(copy.Condition).toBeUndefined();
      const read = statementBySid(act, 'ReadSourceObjectMetadata');
      expect(resourcesOf(read)).toEqual(enrolledObjects);
      expect(actionsOf(read)).toEqual(
        expect.arrayContaining([
          's3:GetObject',
          's3:GetObjectVersion',
          's3:GetObjectTagging',
          's3:GetObjectVersionAcl',
        ]),
      );
    });

    it('uses object keys only through S3 in the stack region, to decrypt the source and encrypt the copy', () => {
      const keys = statementBySid(actStatements(cfn, template), 'UseObjectKeysThroughS3');
      expect(actionsOf(keys).sort()).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
      expect(resourcesOf(keys)).toEqual([KEYS_IN_REGION]);
      expect(keys.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } });
    });

    it('reads no secret when none is configured', () => {
      expect(secretStatements(cfn, template)).toEqual([]);
      expect(decryptVia(cfn, template)).toEqual([]);
    });

    it('reads the Slack token from its SSM parameter and the webhook URL from its secret, those two only', () => {
      expect(secretStatements(configured, configuredTemplate)).toEqual([
        {
          Sid: 'ReadSlackSecretParameter',
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: 'arn:aws:ssm:us-east-1:123456789012:parameter/s3-replication-doctor/slack-bot-token',
        },
        {
          Sid: 'ReadWebhookSecret',
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: [
            'arn:aws:secretsmanager:us-east-1:123456789012:secret:s3-replication-doctor/webhook-url-??????',
          ],
        },
      ]);
      expect(decryptVia(configured, configuredTemplate)).toEqual([
        {
          sid: 'DecryptSecureStringParameters',
          actions: ['kms:Decrypt'],
          resources: ['arn:aws:kms:us-east-1:*:key/*'],
          via: 'ssm.us-east-1.amazonaws.com',
        },
        {
          sid: 'DecryptSecretsManagerSecrets',
          actions: ['kms:Decrypt'],
          resources: ['arn:aws:kms:us-east-1:*:key/*'],
          via: 'secretsmanager.us-east-1.amazonaws.com',
        },
      ]);
    });

    it('reads each secret from the store its reference names, with or without a leading slash on a parameter', () => {
      expect(secretStatements(alternate, alternateTemplate)).toEqual([
        {
          Sid: 'ReadWebhookSecretParameter',
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: 'arn:aws:ssm:us-east-1:123456789012:parameter/replication-doctor-webhook-url',
        },
        {
          Sid: 'ReadSlackSecret',
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: [
            'arn:aws:secretsmanager:us-east-1:123456789012:secret:s3-replication-doctor/slack-??????',
          ],
        },
      ]);
    });

    it('reads secrets referenced by ARN, complete or partial, from the account that shares them', () => {
      expect(secretStatements(shared, sharedTemplate)).toEqual([
        {
          Sid: 'ReadWebhookSecretParameter',
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: 'arn:aws:ssm:us-east-1:444455556666:parameter/shared/webhook-url',
        },
        {
          Sid: 'ReadSlackSecret',
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: [
            'arn:aws:secretsmanager:us-east-1:444455556666:secret:shared/slack-AbCdEf',
            'arn:aws:secretsmanager:us-east-1:444455556666:secret:shared/slack-AbCdEf-??????',
          ],
        },
      ]);
      // The key of a shared secret may be the sharing account's.
      expect(decryptVia(shared, sharedTemplate).map((statement) => statement.resources)).toEqual([
        ['arn:aws:kms:us-east-1:*:key/*'],
        ['arn:aws:kms:us-east-1:*:key/*'],
      ]);
    });
  });

  describe('batch replication role', () => {
    const batchStatements = (resolver: TemplateResolver, source: Template) =>
      statements(resolver, 'BatchReplicationRole.Policies', source);

    it('trusts only S3 Batch Operations', () => {
      expect(statements(cfn, 'BatchReplicationRole.AssumeRolePolicyDocument', template)).toEqual([
        {
          Sid: 'TrustS3BatchOperations',
          Effect: 'Allow',
          Principal: { Service: 'batchoperations.s3.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ]);
    });

    it("may only initiate replication of this account's objects, read manifests and write reports when no bucket is enrolled", () => {
      expect(batchStatements(cfn, template)).toEqual([
        {
          Sid: 'InitiateReplicationOfSourceObjects',
          Effect: 'Allow',
          Action: 's3:InitiateReplication',
          Resource: 'arn:aws:s3:::*/*',
          Condition: { StringEquals: { 's3:ResourceAccount': '123456789012' } },
        },
        {
          Sid: 'ReadSourceReplicationConfiguration',
          Effect: 'Allow',
          Action: 's3:GetReplicationConfiguration',
          Resource: 'arn:aws:s3:::*',
        },
        {
          Sid: 'ReadManifests',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectVersion'],
          Resource: 'RedriveBucket.Arn/manifests/*',
        },
        {
          Sid: 'WriteCompletionReports',
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: 'RedriveBucket.Arn/reports/*',
        },
      ]);
    });

    it('initiates replication in the enrolled buckets only, without a condition, when they are configured', () => {
      const list = batchStatements(configured, configuredTemplate);
      const initiate = statementBySid(list, 'InitiateReplicationOfSourceObjects');
      expect(resourcesOf(initiate)).toEqual([
        'arn:aws:s3:::my-source-bucket-use1/*',
        'arn:aws:s3:::second-source-bucket/*',
      ]);
      expect(initiate.Condition).toBeUndefined();
      expect(resourcesOf(statementBySid(list, 'ReadSourceReplicationConfiguration'))).toEqual([
        'arn:aws:s3:::my-source-bucket-use1',
        'arn:aws:s3:::second-source-bucket',
      ]);
    });

    it('grants nothing else, whatever the configuration', () => {
      for (const [resolver, source] of variants()) {
        expect(batchStatements(resolver, source).flatMap(actionsOf).sort()).toEqual([
          's3:GetObject',
          's3:GetObjectVersion',
          's3:GetReplicationConfiguration',
          's3:InitiateReplication',
          's3:PutObject',
        ]);
      }
    });

    it('is passed by the batch jobs role alone, and only to S3 Batch Operations, whatever the configuration', () => {
      for (const [resolver, source] of variants()) {
        // The enrol role passes the buckets' replication roles to S3 (see the enrol role's tests), never this one.
        const passes = resolver.resourcesOfType('AWS::IAM::Role').flatMap((role) =>
          statements(resolver, `${role.logicalId}.Policies`, source)
            .filter((statement) => actionsOf(statement).includes('iam:PassRole'))
            .filter((statement) => statement.Sid !== 'PassReplicationRoles')
            .map((statement) => ({ role: role.logicalId, statement })),
        );
        expect(passes).toEqual([
          {
            role: 'BatchJobsRole',
            statement: {
              Sid: 'PassBatchReplicationRole',
              Effect: 'Allow',
              Action: 'iam:PassRole',
              Resource: 'BatchReplicationRole.Arn',
              Condition: { StringEquals: { 'iam:PassedToService': 'batchoperations.s3.amazonaws.com' } },
            },
          },
        ]);
      }
    });
  });

  describe('sweep role', () => {
    const sweepStatements = (resolver: TemplateResolver, source: Template) =>
      statements(resolver, 'SweepRole.Policies', source);
    const actStatements = (resolver: TemplateResolver, source: Template) =>
      statements(resolver, 'ActRole.Policies', source);

    const READ_ONLY = /^(s3|iam|kms|organizations):(Get|List|Describe)[A-Za-z]+$/;
    const KEYS_IN_REGION = 'arn:aws:kms:us-east-1:*:key/*';
    const MODE_PARAMETER_ARN = `arn:aws:ssm:us-east-1:123456789012:parameter/s3-replication-doctor/${STAGE}/mode`;
    // With no secrets and no enrolled buckets, each statement holding an action that is not a read, and the
    // only resources it may touch.
    const NON_READ_RESOURCES: Record<string, unknown[]> = {
      WriteOwnLogs: ['SweepLogGroup.Arn'],
      SendFailedSweepsToDeadLetterQueue: ['SweepDeadLetterQueue.Arn'],
      CopyObjectsInPlace: ['arn:aws:s3:::*/*'],
      UseObjectKeysThroughS3: [KEYS_IN_REGION],
      UseLedger: ['LedgerTable.Arn', `LedgerTable.Arn/index/${LEDGER_GSI1}`],
      PublishNotifications: ['ref:NotificationTopic'],
      ReadModeParameter: [MODE_PARAMETER_ARN],
    };
    // Statements the sweep shares with the act function: it copies, records, notifies and reads settings alike.
    const SHARED_WITH_ACT =
      /^(CopyObjectsInPlace|UseObjectKeysThroughS3|UseLedger|PublishNotifications|ReadModeParameter|Read(Slack|Webhook)Secret\w*|Decrypt\w+)$/;

    it('trusts only Lambda', () => {
      expect(statements(cfn, 'SweepRole.AssumeRolePolicyDocument', template)).toEqual([
        {
          Sid: 'TrustLambda',
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ]);
    });

    it('has exactly these statements, by Sid, without and with the optional settings', () => {
      const base = [
        'WriteOwnLogs',
        'SendFailedSweepsToDeadLetterQueue',
        'ReadSourceReplicationConfiguration',
        'ReadBucketSettings',
        'ReadSourceObjectMetadata',
        'ReadReplicationRoles',
        'ReadManagedPolicies',
        'ReadKmsKeys',
        'ReadOrganization',
        'CopyObjectsInPlace',
        'UseObjectKeysThroughS3',
        'UseLedger',
        'PublishNotifications',
        'ReadModeParameter',
      ];
      expect(sweepStatements(cfn, template).map((statement) => statement.Sid)).toEqual(base);
      expect(sweepStatements(configured, configuredTemplate).map((statement) => statement.Sid)).toEqual([
        ...base.slice(0, 9),
        'AssumeDestinationReadRole',
        ...base.slice(9),
        'ReadSlackSecretParameter',
        'ReadWebhookSecret',
        'DecryptSecureStringParameters',
        'DecryptSecretsManagerSecrets',
      ]);
    });

    it('reads exactly as the diagnose role does, whatever the configuration, so a re-diagnosis sees the same', () => {
      for (const [resolver, source] of variants()) {
        const reads = statements(resolver, 'DiagnoseRole.Policies', source).filter(
          (statement) => statement.Sid?.startsWith('Read') || statement.Sid === 'AssumeDestinationReadRole',
        );
        expect(reads.length).toBeGreaterThan(6);
        const sweep = sweepStatements(resolver, source);
        for (const read of reads) expect(statementBySid(sweep, read.Sid ?? ''), read.Sid).toEqual(read);
      }
    });

    it('copies, records in the ledger, notifies and reads its settings and secrets exactly as the act role does', () => {
      for (const [resolver, source] of variants()) {
        const shared = actStatements(resolver, source).filter((statement) =>
          SHARED_WITH_ACT.test(statement.Sid ?? ''),
        );
        const sweep = sweepStatements(resolver, source).filter((statement) =>
          SHARED_WITH_ACT.test(statement.Sid ?? ''),
        );
        const bySid = (a: PolicyStatement, b: PolicyStatement) => (a.Sid ?? '').localeCompare(b.Sid ?? '');
        expect(shared.length).toBeGreaterThanOrEqual(5);
        expect(sweep.sort(bySid)).toEqual(shared.sort(bySid));
      }
    });

    it('pins every statement that is not a read to the resources it may touch', () => {
      for (const statement of sweepStatements(cfn, template)) {
        if (actionsOf(statement).every((action) => READ_ONLY.test(action))) continue;
        expect(NON_READ_RESOURCES[statement.Sid ?? ''], statement.Sid).toBeDefined();
        expect(resourcesOf(statement), statement.Sid).toEqual(NON_READ_RESOURCES[statement.Sid ?? '']);
      }
    });

    it('starts and follows no Batch Replication job, and touches nothing in the re-drive bucket', () => {
      for (const [resolver, source] of variants()) {
        const list = sweepStatements(resolver, source);
        const actions = list.flatMap(actionsOf);
        expect(actions).not.toContain('s3:CreateJob');
        expect(actions).not.toContain('s3:DescribeJob');
        expect(actions).not.toContain('iam:PassRole');
        expect(
          list.flatMap(resourcesOf).filter((resource) => String(resource).startsWith('RedriveBucket')),
        ).toEqual([]);
      }
    });

    it('copies in place, and initiates replication, in the enrolled buckets only when they are configured', () => {
      const copy = statementBySid(sweepStatements(configured, configuredTemplate), 'CopyObjectsInPlace');
      expect(resourcesOf(copy)).toEqual([
        'arn:aws:s3:::my-source-bucket-use1/*',
        'arn:aws:s3:::second-source-bucket/*',
      ]);
      expect(copy.Condition).toBeUndefined();
    });

    it('deletes nothing and changes no bucket, role or replication configuration, whatever the configuration', () => {
      for (const [resolver, source] of variants()) {
        for (const action of sweepStatements(resolver, source).flatMap(actionsOf)) {
          expect(action).not.toMatch(/^s3:(Delete|PutBucket|PutReplication|PutLifecycle|Replicate)/);
          expect(action).not.toMatch(/^iam:(Put|Create|Update|Attach|Delete)/);
          expect(action).not.toMatch(/^dynamodb:(DeleteItem|DeleteTable|UpdateTable|Scan)$/);
        }
      }
    });

    it('needs no CloudWatch permission: metrics are EMF log lines, written with the log permission', () => {
      const actions = sweepStatements(configured, configuredTemplate).flatMap(actionsOf);
      expect(actions.filter((action) => action.startsWith('cloudwatch:'))).toEqual([]);
      expect(actions).toContain('logs:PutLogEvents');
    });
  });

  describe('batch jobs role', () => {
    const jobStatements = (resolver: TemplateResolver, source: Template) =>
      statements(resolver, 'BatchJobsRole.Policies', source);

    it('trusts only Lambda', () => {
      expect(statements(cfn, 'BatchJobsRole.AssumeRolePolicyDocument', template)).toEqual([
        {
          Sid: 'TrustLambda',
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ]);
    });

    it('has exactly these statements, by Sid, whatever the configuration: no reads of the account, no notifications', () => {
      for (const [resolver, source] of variants())
        expect(jobStatements(resolver, source).map((statement) => statement.Sid)).toEqual([
          'WriteOwnLogs',
          'SendFailedRunsToDeadLetterQueue',
          'UseLedger',
          'WriteRedriveManifests',
          'ReadRedriveManifestsAndReports',
          'CreateBatchReplicationJobs',
          'FollowBatchReplicationJobs',
          'PassBatchReplicationRole',
        ]);
    });

    it('logs, dead-letters and uses the ledger only where its own resources are', () => {
      const list = jobStatements(cfn, template);
      expect(resourcesOf(statementBySid(list, 'WriteOwnLogs'))).toEqual(['BatchJobsLogGroup.Arn']);
      expect(resourcesOf(statementBySid(list, 'SendFailedRunsToDeadLetterQueue'))).toEqual([
        'BatchJobsDeadLetterQueue.Arn',
      ]);
      expect(statementBySid(list, 'UseLedger')).toEqual(
        statementBySid(statements(cfn, 'SweepRole.Policies', template), 'UseLedger'),
      );
    });

    it('creates Batch jobs ("*": CreateJob has no resource type) and follows only jobs of its account and region', () => {
      const list = jobStatements(cfn, template);
      expect(statementBySid(list, 'CreateBatchReplicationJobs')).toEqual({
        Sid: 'CreateBatchReplicationJobs',
        Effect: 'Allow',
        Action: 's3:CreateJob',
        Resource: '*',
      });
      expect(statementBySid(list, 'FollowBatchReplicationJobs')).toEqual({
        Sid: 'FollowBatchReplicationJobs',
        Effect: 'Allow',
        Action: 's3:DescribeJob',
        Resource: 'arn:aws:s3:us-east-1:123456789012:job/*',
      });
      // Only CreateJob, whose IAM entry has no resource type, takes "*".
      const anyResource = list.filter((statement) => resourcesOf(statement).includes('*')).flatMap(actionsOf);
      expect(anyResource).toEqual(['s3:CreateJob']);
    });

    it('writes manifests and reads manifests and reports in the re-drive bucket, nothing more', () => {
      const inBucket = jobStatements(cfn, template)
        .filter((statement) =>
          resourcesOf(statement).some((resource) => String(resource).startsWith('RedriveBucket')),
        )
        .map((statement) => ({ actions: actionsOf(statement), resources: resourcesOf(statement) }));
      expect(inBucket).toEqual([
        { actions: ['s3:PutObject'], resources: ['RedriveBucket.Arn/manifests/*'] },
        {
          actions: ['s3:GetObject'],
          resources: ['RedriveBucket.Arn/manifests/*', 'RedriveBucket.Arn/reports/*'],
        },
      ]);
    });

    it('writes the manifest where the job role reads it and reads the report where the job role writes it', () => {
      const jobs = jobStatements(cfn, template);
      const batch = statements(cfn, 'BatchReplicationRole.Policies', template);
      expect(resourcesOf(statementBySid(jobs, 'WriteRedriveManifests'))).toEqual(
        resourcesOf(statementBySid(batch, 'ReadManifests')),
      );
      expect(resourcesOf(statementBySid(jobs, 'ReadRedriveManifestsAndReports'))).toEqual(
        expect.arrayContaining(resourcesOf(statementBySid(batch, 'WriteCompletionReports'))),
      );
    });
  });

  describe('act role, for incidents', () => {
    it('lists open incidents through gsi1 only and writes failed objects in batches', () => {
      const ledger = statementBySid(statements(cfn, 'ActRole.Policies', template), 'UseLedger');
      expect(actionsOf(ledger)).toEqual(
        expect.arrayContaining(['dynamodb:Query', 'dynamodb:BatchWriteItem']),
      );
      expect(resourcesOf(ledger)).toEqual(['LedgerTable.Arn', `LedgerTable.Arn/index/${LEDGER_GSI1}`]);
      const indexes = LEDGER_TABLE_DEFINITION.GlobalSecondaryIndexes.map((index) => index.IndexName);
      expect(indexes).toContain(LEDGER_GSI1);
    });
  });
});

// ================================================================================================ issue 6: ops

describe('parameter check while packaging', () => {
  it('warns, and still packages, when a Slack secret is set without a channel', () => {
    expect(alternateOutput).toContain('slackChannel: empty while slackSecret is set');
    expect(alternateTemplate.Resources.ActLambdaFunction).toBeDefined();
  });
});

describe('enrol function and custom resource', () => {
  const enrolStatements = (resolver: TemplateResolver, source: Template) =>
    statements(resolver, 'EnrolRole.Policies', source);

  it('runs the bundled ESM handler on nodejs22.x, arm64, with its own role and 2 minutes', () => {
    const fn = props(cfn, 'EnrolLambdaFunction');
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('functions/enrol/handler.handler');
    expect(fn.Timeout).toBe(120);
    expect(fn.Role).toBe('EnrolRole.Arn');
  });

  it('enrols nothing when no bucket is configured', () => {
    expect(cfn.resource('Enrolment')).toBeUndefined();
  });

  it('enrols the configured buckets with the intake queue, once the queue policy lets S3 send', () => {
    const enrolment = configured.resource('Enrolment');
    expect(enrolment?.Type).toBe('Custom::Enrolment');
    expect(enrolment?.Properties).toEqual({
      ServiceToken: 'EnrolLambdaFunction.Arn',
      Buckets: ['my-source-bucket-use1', 'second-source-bucket'],
      QueueArn: 'IntakeQueue.Arn',
    });
    const dependsOn = (configuredTemplate.Resources.Enrolment as { DependsOn?: string | string[] }).DependsOn;
    expect([dependsOn].flat()).toContain('IntakeQueuePolicy');
  });

  it('trusts only Lambda', () => {
    expect(statements(cfn, 'EnrolRole.AssumeRolePolicyDocument', template)).toEqual([
      {
        Sid: 'TrustLambda',
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
  });

  it('may only write its logs when no bucket is configured', () => {
    expect(enrolStatements(cfn, template)).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: 'EnrolLogGroup.Arn',
      },
    ]);
  });

  it("reads and writes the notification and replication configurations of this account's buckets, so a dropped bucket can still be unenrolled", () => {
    const list = enrolStatements(configured, configuredTemplate);
    expect(list.map((statement) => statement.Sid)).toEqual([
      'WriteOwnLogs',
      'ConfigureEnrolledBuckets',
      'PassReplicationRoles',
    ]);
    const configure = statementBySid(list, 'ConfigureEnrolledBuckets');
    expect(actionsOf(configure).sort()).toEqual([
      's3:GetBucketNotification',
      's3:GetReplicationConfiguration',
      's3:PutBucketNotification',
      's3:PutReplicationConfiguration',
    ]);
    // Not the current sourceBuckets: the narrowed role would deny unenrolling a bucket just dropped from them.
    expect(resourcesOf(configure)).toEqual(['arn:aws:s3:::*']);
    expect(configure.Condition).toEqual({ StringEquals: { 's3:ResourceAccount': '123456789012' } });
  });

  it("passes this account's roles, which PutBucketReplication needs for the configuration's role, to S3 only", () => {
    expect(statementBySid(enrolStatements(configured, configuredTemplate), 'PassReplicationRoles')).toEqual({
      Sid: 'PassReplicationRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::123456789012:role/*',
      Condition: { StringEquals: { 'iam:PassedToService': 's3.amazonaws.com' } },
    });
  });

  it('packages a self-contained bundle whose handler loads with the environment the stack gives it', async () => {
    const variables = functionEnvironment(cfn, 'EnrolLambdaFunction');
    expect(await loadedHandlerType(join(ROOT, '.serverless', 'enrol.zip'), 'enrol', variables)).toBe(
      'function',
    );
  });
});

describe('audit function', () => {
  const AUDIT = 'AuditLambdaFunction';
  const auditStatements = (resolver: TemplateResolver, source: Template) =>
    statements(resolver, 'AuditRole.Policies', source);
  const auditRules = (resolver: TemplateResolver) =>
    resolver
      .resourcesOfType('AWS::Events::Rule')
      .filter((rule) =>
        (rule.Properties.Targets as { Arn: unknown }[]).some((target) => target.Arn === `${AUDIT}.Arn`),
      );

  it('runs the bundled ESM handler on nodejs22.x, arm64, with its own role, 15 minutes and one instance at a time', () => {
    const fn = props(cfn, AUDIT);
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('functions/audit/handler.handler');
    expect(fn.Timeout).toBe(900);
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Role).toBe('AuditRole.Arn');
  });

  it('runs daily by default, and on the configured schedule when one is given', () => {
    expect(auditRules(cfn).map((rule) => rule.Properties)).toEqual([
      expect.objectContaining({ ScheduleExpression: 'rate(1 day)', State: 'ENABLED' }),
    ]);
    expect(auditRules(configured).map((rule) => rule.Properties.ScheduleExpression)).toEqual([
      CONFIGURED.auditSchedule,
    ]);
  });

  it('sends an audit that still fails after two retries to its dead-letter queue', () => {
    const [config, ...others] = cfn
      .resourcesOfType('AWS::Lambda::EventInvokeConfig')
      .filter((item) => item.Properties.FunctionName === `ref:${AUDIT}`);
    expect(others).toEqual([]);
    expect(config?.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: 'AuditDeadLetterQueue.Arn' } },
    });
  });

  it('gets the buckets, topic, ledger, intake queue and secret references through the environment', () => {
    expect(functionVariables(cfn, AUDIT)).toMatchObject({
      SOURCE_BUCKETS: '',
      TOPIC_ARN: 'ref:NotificationTopic',
      LEDGER_TABLE: 'ref:LedgerTable',
      INTAKE_QUEUE_ARN: 'IntakeQueue.Arn',
      SLACK_SECRET: '',
      SLACK_CHANNEL: '',
      WEBHOOK_SECRET: '',
      DESTINATION_READ_ROLE_ARN: '',
      MODE: 'plan',
    });
    expect(functionVariables(configured, AUDIT)).toMatchObject({
      MODE: 'auto',
      SOURCE_BUCKETS: CONFIGURED.sourceBuckets,
      SLACK_SECRET: CONFIGURED.slackSecret,
      SLACK_CHANNEL: CONFIGURED.slackChannel,
      WEBHOOK_SECRET: CONFIGURED.webhookSecret,
      DESTINATION_READ_ROLE_ARN: CONFIGURED.destinationReadRoleArn,
    });
  });

  it('reads exactly as the diagnose role does, whatever the configuration, so an audit finds what a diagnosis would', () => {
    for (const [resolver, source] of variants()) {
      const reads = statements(resolver, 'DiagnoseRole.Policies', source).filter(
        (statement) => statement.Sid?.startsWith('Read') || statement.Sid === 'AssumeDestinationReadRole',
      );
      expect(reads.length).toBeGreaterThan(6);
      const audit = auditStatements(resolver, source);
      for (const read of reads) expect(statementBySid(audit, read.Sid ?? ''), read.Sid).toEqual(read);
    }
  });

  it('notifies and reads its secrets exactly as the act role does, whatever the configuration', () => {
    const SHARED = /^(PublishNotifications|Read(Slack|Webhook)Secret\w*|Decrypt\w+)$/;
    for (const [resolver, source] of variants()) {
      const bySid = (a: PolicyStatement, b: PolicyStatement) => (a.Sid ?? '').localeCompare(b.Sid ?? '');
      const act = statements(resolver, 'ActRole.Policies', source).filter((item) =>
        SHARED.test(item.Sid ?? ''),
      );
      const audit = auditStatements(resolver, source).filter((item) => SHARED.test(item.Sid ?? ''));
      expect(audit.sort(bySid)).toEqual(act.sort(bySid));
    }
  });

  it('lists buckets, reads their notification configurations and records findings in the ledger', () => {
    const list = auditStatements(cfn, template);
    expect(statementBySid(list, 'ListBuckets')).toMatchObject({
      Action: 's3:ListAllMyBuckets',
      Resource: '*',
    });
    expect(statementBySid(list, 'ReadBucketNotifications')).toMatchObject({
      Action: 's3:GetBucketNotification',
      Resource: 'arn:aws:s3:::*',
    });
    expect(
      resourcesOf(statementBySid(auditStatements(configured, configuredTemplate), 'ReadBucketNotifications')),
    ).toEqual(['arn:aws:s3:::my-source-bucket-use1', 'arn:aws:s3:::second-source-bucket']);
    expect(statementBySid(list, 'RecordAuditFindings')).toMatchObject({
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Resource: 'LedgerTable.Arn',
    });
  });

  it('changes nothing but its logs, its dead letters, its ledger items and notifications, whatever the configuration', () => {
    const READ_ONLY = /^(s3|iam|kms|organizations):(Get|List|Describe)[A-Za-z]+$/;
    for (const [resolver, source] of variants()) {
      const writes = auditStatements(resolver, source)
        .flatMap(actionsOf)
        .filter((action) => !READ_ONLY.test(action) && action !== 'ssm:GetParameter')
        .sort();
      expect(writes).toEqual(
        expect.arrayContaining(['dynamodb:PutItem', 'logs:PutLogEvents', 'sns:Publish', 'sqs:SendMessage']),
      );
      for (const action of writes)
        expect(action).toMatch(
          /^(logs:(CreateLogStream|PutLogEvents)|sqs:SendMessage|dynamodb:(GetItem|PutItem)|sns:Publish|sts:AssumeRole|secretsmanager:GetSecretValue|kms:Decrypt)$/,
        );
    }
  });

  it('packages a self-contained bundle whose handler loads with the environment the stack gives it', async () => {
    const variables = functionEnvironment(cfn, AUDIT);
    expect(await loadedHandlerType(join(ROOT, '.serverless', 'audit.zip'), 'audit', variables)).toBe(
      'function',
    );
  });
});

describe('alarms', () => {
  const alarms = (resolver: TemplateResolver) =>
    resolver.resourcesOfType('AWS::CloudWatch::Alarm').map((alarm) => alarm.Properties);
  const byValue = (a?: { Value: unknown }, b?: { Value: unknown }) =>
    String(a?.Value).localeCompare(String(b?.Value));
  const functionIds = (resolver: TemplateResolver) =>
    resolver.resourcesOfType('AWS::Lambda::Function').map((fn) => fn.logicalId);

  it('fires on any error or throttle of every function within 5 minutes', () => {
    const ids = functionIds(cfn);
    expect(ids.sort()).toEqual([
      'ActLambdaFunction',
      'AuditLambdaFunction',
      'BatchJobsLambdaFunction',
      'DiagnoseLambdaFunction',
      'EnrolLambdaFunction',
      'SweepLambdaFunction',
    ]);
    for (const metric of ['Errors', 'Throttles']) {
      const watched = alarms(cfn).filter(
        (alarm) => alarm.Namespace === 'AWS/Lambda' && alarm.MetricName === metric,
      );
      for (const alarm of watched) expect((alarm.Dimensions as unknown[]).length).toBe(1);
      expect(
        watched.map((alarm) => (alarm.Dimensions as { Name: string; Value: unknown }[])[0]).sort(byValue),
        metric,
      ).toEqual(ids.map((id) => ({ Name: 'FunctionName', Value: `ref:${id}` })).sort(byValue));
      for (const alarm of watched)
        expect(alarm).toMatchObject({
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
    }
  });

  it('fires when the oldest message of the intake, diagnosis or act queue has waited over 15 minutes', () => {
    const ages = alarms(cfn).filter((alarm) => alarm.MetricName === 'ApproximateAgeOfOldestMessage');
    expect(ages.map((alarm) => (alarm.Dimensions as { Value: unknown }[])[0]?.Value).sort()).toEqual([
      'ActQueue.QueueName',
      'DiagnosisQueue.QueueName',
      'IntakeQueue.QueueName',
    ]);
    for (const alarm of ages)
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Threshold: 900,
        ComparisonOperator: 'GreaterThanThreshold',
      });
  });

  it('sends every alarm to the alarm topic when an address is configured, and nowhere otherwise', () => {
    expect(alarms(cfn).length).toBeGreaterThanOrEqual(19);
    for (const alarm of alarms(cfn)) {
      expect(alarm.AlarmActions, String(alarm.AlarmDescription)).toBeUndefined();
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(String(alarm.AlarmDescription).length).toBeGreaterThan(20);
    }
    for (const alarm of alarms(configured)) expect(alarm.AlarmActions).toEqual(['ref:AlarmTopic']);
  });
});

describe('dashboard', () => {
  interface Widget {
    type: string;
    x: number;
    y: number;
    width: number;
    height: number;
    properties: { title: string; region: string; metrics?: unknown[][]; query?: string };
  }
  const widgets = (): Widget[] =>
    (JSON.parse(String(props(cfn, 'Dashboard').DashboardBody)) as { widgets: Widget[] }).widgets;
  const widget = (title: string): Widget => {
    const found = widgets().find((item) => item.properties.title === title);
    if (!found) throw new Error(`no widget ${title}`);
    return found;
  };
  /** [namespace, metric, dimension name, dimension value] of each metric a widget graphs. */
  const metricsOf = (title: string) =>
    (widget(title).properties.metrics ?? []).map((line) => line.slice(0, 4));

  it('is named after the service and stage, its widgets in the stack region on a 24-column grid', () => {
    expect(props(cfn, 'Dashboard').DashboardName).toBe(`s3-replication-doctor-${STAGE}`);
    for (const item of widgets()) {
      expect(item.properties.region).toBe('us-east-1');
      expect(item.x + item.width).toBeLessThanOrEqual(24);
    }
  });

  it('graphs every incident metric the functions write, under their namespace and service dimension', () => {
    const graphed = widgets()
      .flatMap((item) => item.properties.metrics ?? [])
      .filter((line) => line[0] === METRICS_NAMESPACE)
      .map((line) => ({ metric: line[1], dimension: line.slice(2, 4) }));
    expect([...new Set(graphed.map((item) => item.metric))].sort()).toEqual(
      Object.values(INCIDENT_METRIC_NAMES).sort(),
    );
    for (const item of graphed) expect(item.dimension).toEqual(['service', METRICS_SERVICE]);
    expect(metricsOf('Incidents open').map((line) => line[1])).toEqual([INCIDENT_METRIC_NAMES.incidentsOpen]);
    expect(metricsOf('Re-drive progress').map((line) => line[1])).toEqual([
      INCIDENT_METRIC_NAMES.objectsRedriven,
      INCIDENT_METRIC_NAMES.refailed,
    ]);
  });

  it('shows the depth of every dead-letter queue and the age of the oldest message of each work queue', () => {
    const deadLetterQueues = cfn
      .resourcesOfType('AWS::SQS::Queue')
      .map((queue) => queue.logicalId)
      .filter((logicalId) => logicalId.endsWith('DeadLetterQueue'));
    expect(metricsOf('Dead-letter queue depth').sort()).toEqual(
      deadLetterQueues
        .map((id) => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', `${id}.QueueName`])
        .sort(),
    );
    expect(metricsOf('Oldest message age (seconds)').map((line) => line[3])).toEqual([
      'IntakeQueue.QueueName',
      'DiagnosisQueue.QueueName',
      'ActQueue.QueueName',
    ]);
  });

  it('shows the errors and throttles of every function', () => {
    const functions = cfn.resourcesOfType('AWS::Lambda::Function').map((fn) => `ref:${fn.logicalId}`);
    expect(
      metricsOf('Function errors')
        .map((line) => line[3])
        .sort(),
    ).toEqual(functions.sort());
    expect(
      metricsOf('Function throttles')
        .map((line) => line[3])
        .sort(),
    ).toEqual(functions.sort());
  });

  it("counts failures by reason from the diagnose function's log lines, which carry each failure's reason", async () => {
    const byReason = widget('Failures by reason');
    expect(byReason.type).toBe('log');
    expect(byReason.properties.query).toBe(
      "SOURCE 'ref:DiagnoseLogGroup' | filter message = 'diagnosed' | stats count(*) as failures by failureReason | sort failures desc",
    );
    // The fields the query relies on, as the diagnose use case logs them.
    const lines: { message: string; fields: Record<string, unknown> }[] = [];
    const name = seedScenario();
    const intake = relayThroughPipe(readJson(join(SCENARIOS, name, 'event.json')));
    await diagnoseQueueBatch([{ messageId: name, body: JSON.stringify(intake) }], {
      reads: snapshotReads(parseSnapshot(readJson(join(SCENARIOS, name, 'snapshot.json')))),
      publisher: { publish: async () => ({ failedIndexes: [] }) },
      deadLetters: { send: async () => undefined },
      mode: 'plan',
      log: {
        info: (message: string, fields?: Record<string, unknown>) =>
          lines.push({ message, fields: fields ?? {} }),
        warn: () => undefined,
        error: () => undefined,
      },
    });
    const diagnosed = lines.filter((line) => line.message === 'diagnosed');
    expect(diagnosed).toHaveLength(1);
    expect(diagnosed[0]?.fields.failureReason).toEqual(expect.any(String));
  });
});

describe('log retention', () => {
  it('keeps the logs of every function for 30 days', () => {
    const groups = cfn.resourcesOfType('AWS::Logs::LogGroup');
    expect(groups.map((group) => group.logicalId).sort()).toEqual(
      cfn
        .resourcesOfType('AWS::Lambda::Function')
        .map((fn) => fn.logicalId.replace(/LambdaFunction$/, 'LogGroup'))
        .sort(),
    );
    for (const group of groups) expect(group.Properties.RetentionInDays, group.logicalId).toBe(30);
  });
});

describe('IAM wildcard allow-list', () => {
  const allowList = readJson(
    join(ROOT, 'tests', 'infra', 'iam-wildcard-allow-list.json'),
  ) as AllowListEntry[];

  it('justifies every wildcard action or resource of every Allow statement, whatever the configuration', () => {
    for (const [resolver, source] of variants()) {
      const wildcards = wildcardsIn(policyDocuments(resolver, source));
      expect(wildcards.length).toBeGreaterThan(0);
      expect(unjustifiedWildcards(resolver, wildcards, allowList)).toEqual([]);
    }
  });

  it('lists only wildcards the stack uses', () => {
    const used = variants().flatMap(([resolver, source]) =>
      wildcardsIn(policyDocuments(resolver, source)).map((wildcard) => `${wildcard.sid} ${wildcard.value}`),
    );
    for (const entry of allowList)
      expect(used, `${entry.sid} ${entry.wildcard}`).toContain(
        `${entry.sid} ${renderedWildcard(cfn, entry)}`,
      );
  });

  it('states each justification, on one line, as a comment in serverless.yml', () => {
    const comments = readFileSync(join(ROOT, 'serverless.yml'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of allowList) {
      expect(entry.justification).toMatch(/^[^\n]{10,120}$/);
      expect(comments, entry.sid).toContain(`# Wildcard: ${entry.justification}`);
    }
  });

  it('reports an unlisted wildcard action or resource, a listed Sid with another wildcard, and NotAction', () => {
    const documents: PolicyDocumentAt[] = [
      {
        location: 'SomeRole.Policies[0]',
        statements: [
          { Sid: 'Everything', Effect: 'Allow', Action: 's3:*', Resource: '*' },
          {
            Sid: 'ReadOrganization',
            Effect: 'Allow',
            Action: 'organizations:DescribeOrganization',
            Resource: 'arn:aws:organizations::*',
          },
          {
            Sid: 'AllButIam',
            Effect: 'Allow',
            NotAction: 'iam:*',
            Resource: 'arn:aws:s3:::a',
          } as unknown as PolicyStatement,
          // Objects of one named bucket, and any deny: not broad wildcards.
          { Sid: 'OneBucket', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::my-bucket/*' },
          { Sid: 'DenyInsecureTransport', Effect: 'Deny', Action: 's3:*', Resource: '*' },
          {
            Sid: 'ReadOrganization',
            Effect: 'Allow',
            Action: 'organizations:DescribeOrganization',
            Resource: '*',
          },
        ],
      },
    ];
    const reported = unjustifiedWildcards(cfn, wildcardsIn(documents), allowList).map(
      (wildcard) => `${wildcard.sid} ${wildcard.kind} ${wildcard.value}`,
    );
    expect(reported).toEqual([
      'Everything action s3:*',
      'Everything resource *',
      'ReadOrganization resource arn:aws:organizations::*',
      'AllButIam not-action-or-resource NotAction',
    ]);
  });
});
