/**
 * Security drill: planted secrets (a Slack bot token in SSM, a webhook URL with a secret path and a
 * further value in one Secrets Manager secret) must never reach a log line, stdout/stderr, a
 * notification or an error text, whichever way the endpoints fail.
 */
import { inspect } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSecretResolver } from '../../shared/notify/secrets.js';
import { actOnDiagnoses } from '../../shared/pipeline/act-on-diagnoses.js';
import { createActPorts } from '../../shared/pipeline/act-ports.js';
import type { BatchLog, LogFields } from '../../shared/pipeline/diagnose-queue-batch.js';
import { createNotifier } from '../../shared/pipeline/notifier.js';
import { rootCause } from '../notify/diagnoses.js';
import { json, type LocalServer, type Reply, startLocalServer, text } from '../notify/local-server.js';

const SLACK_TOKEN = 'xoxb-1111-PLANTED-slack-token-7f3a';
const WEBHOOK_PATH = 'PLANTED-webhook-path-9c1e';
const SM_EXTRA = 'PLANTED-sm-value-42ab';
const SLACK_HOOK_PATH = 'T0000/B0000/PLANTEDslackhook5d2';

const ssmMock = mockClient(SSMClient);
const secretsMock = mockClient(SecretsManagerClient);
const snsMock = mockClient(SNSClient);

type Failing = '404' | '429' | '500' | 'echo' | 'network';

/** Every way an endpoint fails, each answer quoting back what it received (a hostile or broken proxy). */
function failingReply(mode: Exclude<Failing, 'network'>) {
  return (request: { headers: Record<string, unknown>; path: string; body: string }): Reply => {
    const echo = `${String(request.headers.authorization ?? '')} ${request.path}`;
    switch (mode) {
      case '404':
        return text(404, `no such hook: ${echo}`);
      case '429':
        return json(429, { ok: false, error: echo }, { 'retry-after': '0' });
      case '500':
        return text(500, echo);
      case 'echo':
        // 200 with a Slack-style error code that IS a secret: Slack never sends this, a proxy might.
        return json(200, { ok: false, error: SLACK_TOKEN, path: request.path });
      default: {
        const unreachable: never = mode;
        throw new Error(`unhandled ${String(unreachable)}`);
      }
    }
  };
}

let servers: Record<Exclude<Failing, 'network'>, LocalServer>;
let closedBase: string;

beforeAll(async () => {
  servers = {
    '404': await startLocalServer(failingReply('404')),
    '429': await startLocalServer(failingReply('429')),
    '500': await startLocalServer(failingReply('500')),
    echo: await startLocalServer(failingReply('echo')),
  };
  const closed = await startLocalServer(() => text(200, ''));
  closedBase = closed.baseUrl;
  await closed.close();
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.close()));
});

beforeEach(() => {
  ssmMock.reset();
  secretsMock.reset();
  snsMock.reset();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function baseOf(mode: Failing): string {
  return mode === 'network' ? closedBase : servers[mode].baseUrl;
}

/** Every real-looking endpoint goes to the local server that fails in `mode`. */
function routedFetch(mode: Failing): typeof fetch {
  return (input, init) => {
    const url = new URL(String(input));
    return fetch(`${baseOf(mode)}${url.pathname}`, init);
  };
}

interface Captured {
  logs: string[];
  stdout: string[];
}

/** A logger that keeps everything it is given (errors with their causes) and writes it through Powertools. */
function capturingLog(captured: Captured): BatchLog {
  const logger = new Logger({ serviceName: 'security-drill', logLevel: 'DEBUG' });
  const keep = (level: string, message: string, fields: LogFields) =>
    captured.logs.push(`${level} ${message} ${inspect(fields, { depth: 20, showHidden: true })}`);
  return {
    info: (message, fields) => {
      keep('info', message, fields);
      logger.info(message, fields);
    },
    warn: (message, fields) => {
      keep('warn', message, fields);
      logger.warn(message, fields);
    },
    error: (message, fields) => {
      keep('error', message, fields);
      logger.error(message, fields);
    },
  };
}

function spyOutput(captured: Captured): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
      captured.stdout.push(
        typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
      );
      return write(chunk as string, ...rest);
    }) as typeof stream.write);
  }
}

function plantSecrets(slackSecret: 'token' | 'hook'): void {
  ssmMock.on(GetParameterCommand).resolves({
    Parameter: {
      Name: '/doctor/slack',
      Type: 'SecureString',
      Value: slackSecret === 'token' ? SLACK_TOKEN : `https://hooks.slack.com/services/${SLACK_HOOK_PATH}`,
    },
  });
  secretsMock.on(GetSecretValueCommand).resolves({
    SecretString: JSON.stringify({
      url: `https://hooks.example.com/hooks/${WEBHOOK_PATH}`,
      signing: SM_EXTRA,
    }),
  });
  snsMock
    .on(PublishCommand)
    .rejects(Object.assign(new Error('Service Unavailable'), { name: 'InternalError' }));
}

const PLANTED = [SLACK_TOKEN, WEBHOOK_PATH, SM_EXTRA, SLACK_HOOK_PATH, 'PLANTED'];

function expectNoSecret(where: string, texts: readonly string[]): void {
  const all = texts.join('\n');
  for (const secret of PLANTED) expect(all.includes(secret), `${where} contains ${secret}`).toBe(false);
}

async function runActPath(mode: Failing, slackSecret: 'token' | 'hook', slackRef = 'ssm:/doctor/slack') {
  const captured: Captured = { logs: [], stdout: [] };
  spyOutput(captured);
  plantSecrets(slackSecret);
  const log = capturingLog(captured);
  const notifier = createNotifier({
    sns: {
      client: new SNSClient({ region: 'us-east-1' }),
      topicArn: 'arn:aws:sns:us-east-1:123456789012:doctor',
    },
    secrets: createSecretResolver({
      ssm: new SSMClient({ region: 'us-east-1' }),
      secretsManager: new SecretsManagerClient({ region: 'us-east-1' }),
      ttlMs: 60_000,
    }),
    slackSecret: slackRef,
    slackChannel: 'C0DRILL',
    webhookSecret: 'secretsmanager:doctor/webhook#url',
    fetch: routedFetch(mode),
    sleep: async () => {},
  });
  const notifications: string[] = [];
  const ports = createActPorts({
    settings: async () => ({ mode: 'plan', autoRetrigger: [], source: 'fallback', warnings: [] }),
    freshReads: {} as never,
    s3: new S3Client({ region: 'us-east-1' }),
    notifier: {
      async notify(notification, options) {
        const outcome = await notifier.notify(notification, options);
        notifications.push(JSON.stringify(notification), JSON.stringify(outcome));
        return outcome;
      },
    },
    deadLetters: {
      async send() {
        throw new Error('nothing here is unreadable');
      },
    },
    log,
  });
  const diagnosis = rootCause('drill/secret-check.bin');
  const outcome = await actOnDiagnoses(
    [
      {
        messageId: 'm-1',
        body: JSON.stringify({ detail: { failure: diagnosis.failure, diagnosis, mode: 'plan' } }),
      },
    ],
    ports,
  );
  const received = mode === 'network' ? [] : servers[mode].received.splice(0).map((request) => request.body);
  return { captured, outcome, notifications, received, snsInputs: snsMock.commandCalls(PublishCommand) };
}

describe('secrets never leak (security drill)', () => {
  const modes: Failing[] = ['404', '429', '500', 'echo', 'network'];

  it.each(modes.flatMap((mode) => [[mode, 'token'] as const, [mode, 'hook'] as const]))(
    'keeps every planted secret out of logs, output and notifications when the endpoints answer %s (Slack %s)',
    async (mode, slackSecret) => {
      const { captured, outcome, notifications, received, snsInputs } = await runActPath(mode, slackSecret);

      // Failed channels are logged and counted; with no channel left the record stays on the queue.
      // A 200 is delivered for both webhooks whatever the body says; the Slack Web API reads `ok` in it.
      const failedChannels = mode !== 'echo' ? 3 : slackSecret === 'token' ? 2 : 1;
      expect(outcome.retryMessageIds).toEqual(mode === 'echo' ? [] : ['m-1']);
      expect(outcome.counts.deliveryErrors).toBe(failedChannels);
      expect(captured.logs.filter((line) => line.includes('notification not delivered'))).toHaveLength(
        failedChannels,
      );
      expect(captured.stdout.join('')).toContain('notification not delivered');
      expectNoSecret('captured logs', captured.logs);
      expectNoSecret('stdout/stderr', captured.stdout);
      expectNoSecret('notifications and outcomes', notifications);
      // What was sent carries the notification, never a secret in its text.
      expectNoSecret('request bodies', received);
      expectNoSecret(
        'SNS publishes',
        snsInputs.map((call) => JSON.stringify(call.args[0].input)),
      );
      if (mode !== 'network') expect(received.length).toBeGreaterThan(0);
    },
  );

  it('keeps a token configured as a plain value (not a reference) out of every error and log', async () => {
    const { captured, outcome, notifications } = await runActPath('500', 'token', SLACK_TOKEN);

    expect(outcome.counts.deliveryErrors).toBe(3);
    expect(captured.logs.join('\n')).toContain('not a secret reference');
    expectNoSecret('captured logs', captured.logs);
    expectNoSecret('stdout/stderr', captured.stdout);
    expectNoSecret('notifications and outcomes', notifications);
  });
});
