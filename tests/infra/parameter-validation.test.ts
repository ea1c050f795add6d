import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import ValidateParametersPlugin, {
  isBucketName,
  PARAMETER_RULES,
  validateParameters,
} from '../../plugins/validate-params.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The names under a two-space-indented block of serverless.yml, e.g. `params:` → `default:`. */
function namesUnder(blockPath: string[]): string[] {
  const lines = readFileSync(join(ROOT, 'serverless.yml'), 'utf8').split('\n');
  let start = 0;
  blockPath.forEach((name, depth) => {
    const header = `${'  '.repeat(depth)}${name}:`;
    start = lines.findIndex((line, index) => index >= start && line === header) + 1;
    if (start === 0) throw new Error(`no ${blockPath.join('.')} in serverless.yml`);
  });
  const indent = '  '.repeat(blockPath.length);
  const names: string[] = [];
  for (const line of lines.slice(start)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (!line.startsWith(indent)) break;
    const match = new RegExp(`^${indent}(\\w+):`).exec(line);
    if (match?.[1]) names.push(match[1]);
  }
  return names;
}

/** The defaults of serverless.yml: a valid deployment. */
const DEFAULTS: Record<string, string> = {
  sourceBuckets: '',
  sourceAccounts: '',
  mode: 'plan',
  destinationReadRoleArn: '',
  alarmEmail: '',
  notificationEmails: '',
  slackSecret: '',
  slackChannel: '',
  webhookSecret: '',
  autoRetrigger: '',
  maxCopiesPerObject: '1',
  copyRatePerSecond: '50',
  sweepSchedule: 'rate(5 minutes)',
  copyThreshold: '1000',
  slackUpdateIntervalSeconds: '300',
  digestIntervalSeconds: '3600',
  spotCheck: '5',
  auditSchedule: 'rate(1 day)',
};

const errorsWith = (changes: Record<string, string | undefined>) =>
  validateParameters({ ...DEFAULTS, ...changes }).errors;

describe('deployment parameter rules', () => {
  it('cover exactly the parameters serverless.yml defines and hands to the plugin', () => {
    const rules = Object.keys(PARAMETER_RULES).sort();
    expect(namesUnder(['params', 'default']).sort()).toEqual(rules);
    expect(namesUnder(['custom', 'deploymentParameters']).sort()).toEqual(rules);
    expect(Object.keys(DEFAULTS).sort()).toEqual(rules);
  });

  it('accept the defaults and a fully configured deployment', () => {
    expect(validateParameters(DEFAULTS)).toEqual({ errors: [], warnings: [] });
    expect(
      validateParameters({
        ...DEFAULTS,
        sourceBuckets: 'my-source-bucket-use1,second.source.bucket',
        sourceAccounts: '123456789012,444455556666',
        mode: 'auto',
        destinationReadRoleArn: 'arn:aws:iam::444455556666:role/ops/ReplicationDoctorRead',
        alarmEmail: 'ops@example.com',
        notificationEmails: 'a@example.com,b@example.com,c@example.com',
        slackSecret:
          'secretsmanager:arn:aws:secretsmanager:us-east-1:444455556666:secret:shared/slack-AbCdEf#token',
        slackChannel: 'C0123456789',
        webhookSecret: 'ssm:arn:aws:ssm:us-east-1:444455556666:parameter/shared/webhook-url',
        autoRetrigger: 'DstPutObjectNotPermitted,DstObjectHardDeleted',
        sweepSchedule: 'cron(0/10 * * * ? *)',
        copyThreshold: '0',
        auditSchedule: 'rate(1 hour)',
      }),
    ).toEqual({ errors: [], warnings: [] });
  });

  it('refuse a mode other than plan or auto, naming the parameter', () => {
    expect(errorsWith({ mode: 'manual' })).toEqual(['mode: "manual" is neither plan nor auto']);
    expect(errorsWith({ mode: '' })).toEqual(['mode: "" is neither plan nor auto']);
  });

  it('refuse counts and rates that are not positive whole numbers', () => {
    for (const name of ['maxCopiesPerObject', 'copyRatePerSecond', 'spotCheck'])
      for (const value of ['0', '-1', '1.5', 'ten', ''])
        expect(errorsWith({ [name]: value }), `${name}=${value}`).toEqual([
          `${name}: ${JSON.stringify(value)} is not a positive integer`,
        ]);
  });

  it('accept a copy threshold of 0 (every incident by Batch Replication) but nothing negative or fractional', () => {
    expect(errorsWith({ copyThreshold: '0' })).toEqual([]);
    expect(errorsWith({ copyThreshold: '-5' })).toEqual([
      'copyThreshold: "-5" is not a whole number of 0 or more',
    ]);
    expect(errorsWith({ digestIntervalSeconds: '1h' })).toHaveLength(1);
  });

  it('refuse source buckets that S3 would not accept as names, and lists with spaces', () => {
    for (const name of [
      'ab',
      'My-Bucket',
      'bucket_',
      '-bucket',
      'a..b',
      '192.168.1.1',
      'xn--bucket',
      'b-s3alias',
    ])
      expect(isBucketName(name), name).toBe(false);
    for (const name of ['my-source-bucket-use1', 'abc', 'logs.example.com', 'a'.repeat(63)])
      expect(isBucketName(name), name).toBe(true);
    expect(isBucketName('a'.repeat(64))).toBe(false);
    expect(errorsWith({ sourceBuckets: 'my-source-bucket-use1, second-bucket' })).toEqual([
      'sourceBuckets: "my-source-bucket-use1, second-bucket" holds " second-bucket", not a bucket name (comma-separated, no spaces)',
    ]);
    expect(errorsWith({ sourceBuckets: 'bucket-*' })).toHaveLength(1);
  });

  it('refuse a fourth notification address, which the stack could not subscribe', () => {
    expect(
      errorsWith({ notificationEmails: 'a@example.com,b@example.com,c@example.com,d@example.com' }),
    ).toEqual([
      expect.stringMatching(/^notificationEmails: .* names 4 addresses; the stack subscribes up to 3/),
    ]);
    expect(errorsWith({ notificationEmails: 'a@example.com;b@example.com' })).toHaveLength(1);
    expect(errorsWith({ alarmEmail: 'ops' })).toEqual(['alarmEmail: "ops" is not one email address']);
  });

  it('refuse secret settings that are not references, without echoing what may be the secret', () => {
    for (const name of ['slackSecret', 'webhookSecret']) {
      for (const value of [
        'xoxb-1234-abcd',
        'https://hooks.slack.com/services/T0/B0/X',
        'ssm:',
        'ssm:/a/*',
        'vault:x',
      ]) {
        const errors = errorsWith({ [name]: value, slackChannel: 'C0123456789' });
        expect(errors, `${name}=${value}`).toHaveLength(1);
        expect(errors[0]).toMatch(new RegExp(`^${name}: the value is not a secret reference`));
        // The short ones are also words of the message itself.
        if (value.length > 8) expect(errors[0]).not.toContain(value);
      }
    }
    for (const value of [
      'ssm:/s3-replication-doctor/slack',
      'ssm:webhook-url',
      'secretsmanager:team/slack#botToken',
    ])
      expect(errorsWith({ webhookSecret: value }), value).toEqual([]);
  });

  it('refuse account IDs, a role ARN and failure reasons of the wrong form', () => {
    expect(errorsWith({ sourceAccounts: '12345678901' })).toHaveLength(1);
    expect(errorsWith({ destinationReadRoleArn: 'arn:aws:iam::444455556666:user/someone' })).toHaveLength(1);
    expect(errorsWith({ destinationReadRoleArn: 'arn:aws:iam::444455556666:role/*' })).toHaveLength(1);
    expect(errorsWith({ autoRetrigger: 'DstPutObjectNotPermitted, DstObjectHardDeleted' })).toHaveLength(1);
    expect(errorsWith({ autoRetrigger: '*' })).toEqual([]);
  });

  it('refuse schedules EventBridge would reject', () => {
    for (const value of [
      'rate(1 minutes)',
      'rate(5 minute)',
      'every day',
      'cron(0 12 * * ?)',
      'rate(0 days)',
    ])
      expect(errorsWith({ auditSchedule: value }), value).toHaveLength(1);
    expect(errorsWith({ sweepSchedule: 'rate(1 minute)' })).toEqual([]);
  });

  it('report a missing parameter by name', () => {
    expect(errorsWith({ spotCheck: undefined })).toEqual(['spotCheck: is missing']);
  });

  it('warn, without failing, when a Slack secret has no channel (a bot token needs one; a webhook URL does not)', () => {
    const result = validateParameters({ ...DEFAULTS, slackSecret: 'ssm:/slack/token' });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(/^slackChannel: empty while slackSecret is set/)]);
    expect(validateParameters({ ...DEFAULTS, slackChannel: 'C0123456789' }).warnings).toEqual([
      'slackChannel: set without slackSecret, so nothing is posted to Slack',
    ]);
  });
});

describe('the validate-params plugin', () => {
  class FrameworkError extends Error {}
  const pluginWith = (values: Record<string, string> | undefined) => {
    const warnings: string[] = [];
    const serverless = {
      service: { custom: { deploymentParameters: values } },
      classes: { Error: FrameworkError },
    };
    const plugin = new ValidateParametersPlugin(
      serverless,
      {},
      { log: { warning: (text: string) => warnings.push(text) } },
    );
    return { plugin, warnings };
  };

  it('checks before packaging clears the previous package, and before a deploy of a ready package', () => {
    expect(Object.keys(pluginWith(DEFAULTS).plugin.hooks).sort()).toEqual([
      'before:deploy:deploy',
      'before:package:cleanup',
    ]);
  });

  it('throws the framework error listing every wrong parameter, and logs warnings', () => {
    const { plugin, warnings } = pluginWith({
      ...DEFAULTS,
      mode: 'manual',
      spotCheck: '0',
      slackSecret: 'ssm:/x',
    });
    expect(() => plugin.hooks['before:package:cleanup']?.()).toThrow(FrameworkError);
    expect(() => plugin.check()).toThrow(/mode: "manual"[\s\S]*spotCheck: "0"/);
    expect(warnings[0]).toMatch(/^slackChannel/);
  });

  it('fails when serverless.yml no longer hands it the parameters', () => {
    expect(() => pluginWith(undefined).plugin.check()).toThrow(/custom\.deploymentParameters/);
  });
});

describe('sls package with a wrong parameter', () => {
  it('fails before building anything, naming each wrong parameter and what is wrong', async () => {
    // A directory of its own: the template tests package into .serverless/ meanwhile.
    const directory = mkdtempSync(join(tmpdir(), 'srd-bad-params-'));
    try {
      const outcome = await run(
        'npx',
        [
          'sls',
          'package',
          '--stage',
          'test',
          '--package',
          directory,
          '--param=mode=automatic',
          '--param=copyThreshold=lots',
          '--param=sourceBuckets=Source_Bucket',
          '--param=webhookSecret=https://example.com/hook/s3cr3t',
        ],
        {
          cwd: ROOT,
          env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
          timeout: 60_000,
        },
      ).then(
        () => ({ failed: false, output: '' }),
        (error: { stdout?: string; stderr?: string }) => ({
          failed: true,
          output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
        }),
      );
      expect(outcome.failed).toBe(true);
      expect(outcome.output).toContain('Invalid deployment parameters');
      expect(outcome.output).toContain('mode: "automatic" is neither plan nor auto');
      expect(outcome.output).toContain('copyThreshold: "lots"');
      expect(outcome.output).toContain('sourceBuckets: "Source_Bucket"');
      expect(outcome.output).toContain('webhookSecret: the value is not a secret reference');
      expect(outcome.output).not.toContain('s3cr3t');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 70_000);
});
