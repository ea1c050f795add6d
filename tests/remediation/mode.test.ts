import { GetParameterCommand, type GetParameterCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSdkError } from '../../shared/aws/sdk-error.js';
import { createModeSource, parseActionSettings } from '../../shared/remediation/mode.js';

const ssm = mockClient(SSMClient);
const PARAMETER = '/s3-replication-doctor/dev/mode';

function parameter(value: string): GetParameterCommandOutput {
  return { Parameter: { Name: PARAMETER, Type: 'String', Value: value }, $metadata: {} };
}

const throttled = () =>
  createSdkError({ name: 'ThrottlingException', message: 'Rate exceeded', httpStatusCode: 400 });

describe('parsing the mode parameter', () => {
  it.each([
    ['plan', { mode: 'plan', autoRetrigger: [] }],
    ['  plan\n', { mode: 'plan', autoRetrigger: [] }],
    [
      '{"mode":"auto","autoRetrigger":["DstObjectHardDeleted"]}',
      { mode: 'auto', autoRetrigger: ['DstObjectHardDeleted'] },
    ],
    ['{"mode":"plan","autoRetrigger":["*"]}', { mode: 'plan', autoRetrigger: ['*'] }],
    ['{"mode":"plan"}', { mode: 'plan', autoRetrigger: [] }],
    [
      '{"mode":"auto","autoRetrigger":["DstObjectHardDeleted","DstObjectHardDeleted","DstVersionNotFound"]}',
      { mode: 'auto', autoRetrigger: ['DstObjectHardDeleted', 'DstVersionNotFound'] },
    ],
  ])('reads %j', (text, settings) => {
    expect(parseActionSettings(text)).toEqual({ success: true, settings, warnings: [] });
  });

  it.each([
    ['', /expected "plan", "auto" or a JSON object/],
    ['automatic', /expected "plan", "auto" or a JSON object, got "automatic"/],
    ['{"mode":"auto"', /not valid JSON/],
    ['["auto"]', /or a JSON object, got/],
    ['{"mode":"AUTO!"}', /mode must be "plan" or "auto"/],
    ['{"autoRetrigger":["*"]}', /mode must be "plan" or "auto"/],
    ['{"mode":"auto","autoRetriger":["*"]}', /unknown field "autoRetriger"/],
    ['{"mode":"auto","autoRetrigger":"DstObjectHardDeleted"}', /autoRetrigger must be a list/],
    ['{"mode":"auto","autoRetrigger":[""]}', /autoRetrigger must be a list/],
    ['{"mode":"auto","autoRetrigger":[1]}', /autoRetrigger must be a list/],
  ])('refuses %j', (text, error) => {
    const parsed = parseActionSettings(text);

    expect(parsed.success).toBe(false);
    expect(!parsed.success && parsed.error).toMatch(error);
  });

  it.each(['auto', 'AUTO', ' auto\n'])('reads %j as auto for the deployed classes only', (text) => {
    expect(parseActionSettings(text, ['DstObjectHardDeleted'])).toEqual({
      success: true,
      settings: { mode: 'auto', autoRetrigger: ['DstObjectHardDeleted'] },
      warnings: [],
    });
  });

  it('reads a plain auto without deployed classes as copying nothing, and warns', () => {
    expect(parseActionSettings('auto')).toEqual({
      success: true,
      settings: { mode: 'auto', autoRetrigger: [] },
      warnings: ['mode is auto but autoRetrigger is empty: nothing will be copied'],
    });
  });

  it('keeps the deployed classes for JSON without a list, and takes the list JSON gives', () => {
    const deployed = ['DstObjectHardDeleted'];

    const withoutList = parseActionSettings('{"mode":"auto"}', deployed);
    const withList = parseActionSettings('{"mode":"auto","autoRetrigger":["*"]}', deployed);

    expect(withoutList.success && withoutList.settings.autoRetrigger).toEqual(['DstObjectHardDeleted']);
    expect(withList.success && withList.settings.autoRetrigger).toEqual(['*']);
  });

  it('warns about a failure reason S3 does not document, and keeps it', () => {
    const parsed = parseActionSettings('{"mode":"auto","autoRetrigger":["DstObjectHardDelete"]}');

    expect(parsed).toEqual({
      success: true,
      settings: { mode: 'auto', autoRetrigger: ['DstObjectHardDelete'] },
      warnings: [expect.stringContaining('"DstObjectHardDelete", not a known failure reason')],
    });
  });

  it('warns that auto with no classes copies nothing', () => {
    const parsed = parseActionSettings('{"mode":"auto","autoRetrigger":[]}');

    expect(parsed.success && parsed.warnings).toEqual([
      'mode is auto but autoRetrigger is empty: nothing will be copied',
    ]);
  });
});

describe('the runtime mode from SSM', () => {
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    ssm.reset();
    now = 1_000_000;
  });

  const source = (options: Partial<Parameters<typeof createModeSource>[0]> = {}) =>
    createModeSource({
      ssm: new SSMClient({ region: 'us-east-1' }),
      parameterName: PARAMETER,
      now: clock,
      ...options,
    });

  it('reads the parameter by name', async () => {
    ssm
      .on(GetParameterCommand, { Name: PARAMETER })
      .resolves(parameter('{"mode":"auto","autoRetrigger":["DstObjectHardDeleted"]}'));

    const settings = await source().current();

    expect(settings).toEqual({
      mode: 'auto',
      autoRetrigger: ['DstObjectHardDeleted'],
      source: 'parameter',
      warnings: [],
    });
  });

  it('switches to auto for the deployed classes when the parameter says auto', async () => {
    ssm.on(GetParameterCommand).resolves(parameter('auto'));

    const settings = await source({
      fallback: { mode: 'plan', autoRetrigger: ['DstObjectHardDeleted'] },
    }).current();

    expect(settings).toEqual({
      mode: 'auto',
      autoRetrigger: ['DstObjectHardDeleted'],
      source: 'parameter',
      warnings: [],
    });
  });

  it('reuses the value for the cache time, then sees a switch without a redeploy', async () => {
    ssm.on(GetParameterCommand).resolvesOnce(parameter('plan')).resolves(parameter('auto'));
    const mode = source({ ttlMs: 60_000 });

    const first = await mode.current();
    now += 59_999;
    const cached = await mode.current();
    now += 1;
    const switched = await mode.current();

    expect([first.mode, cached.mode, switched.mode]).toEqual(['plan', 'plan', 'auto']);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('caches for a minute by default', async () => {
    ssm.on(GetParameterCommand).resolvesOnce(parameter('plan')).resolves(parameter('auto'));
    const mode = source();

    await mode.current();
    now += 59_000;
    const stillCached = await mode.current();
    now += 1_000;
    const reread = await mode.current();

    expect([stillCached.mode, reread.mode]).toEqual(['plan', 'auto']);
  });

  it('shares one read among concurrent callers', async () => {
    ssm.on(GetParameterCommand).resolves(parameter('auto'));
    const mode = source();

    await Promise.all([mode.current(), mode.current(), mode.current()]);

    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('falls back to plan with a warning when the value is invalid, even after auto was read', async () => {
    ssm.on(GetParameterCommand).resolvesOnce(parameter('auto')).resolves(parameter('{"mode":"automatic"}'));
    const mode = source({ ttlMs: 0 });

    await mode.current();
    const settings = await mode.current();

    expect(settings).toMatchObject({ mode: 'plan', autoRetrigger: [], source: 'safe-default' });
    expect(settings.warnings).toEqual([
      expect.stringMatching(/is invalid \(mode must be "plan" or "auto".*\): using plan$/),
    ]);
  });

  it('passes the parser warnings on, naming the parameter', async () => {
    ssm.on(GetParameterCommand).resolves(parameter('{"mode":"auto","autoRetrigger":["NoSuchReason"]}'));

    const settings = await source().current();

    expect(settings.warnings).toEqual([
      expect.stringContaining(`mode parameter ${PARAMETER}: autoRetrigger names "NoSuchReason"`),
    ]);
  });

  it('keeps the last value read when a later read fails, and says so', async () => {
    ssm
      .on(GetParameterCommand)
      .resolvesOnce(parameter('{"mode":"auto","autoRetrigger":["DstObjectHardDeleted"]}'))
      .rejects(throttled());
    const mode = source({ ttlMs: 0 });

    await mode.current();
    const settings = await mode.current();

    expect(settings).toMatchObject({
      mode: 'auto',
      autoRetrigger: ['DstObjectHardDeleted'],
      source: 'last-good',
    });
    expect(settings.warnings).toEqual([
      `could not read mode parameter ${PARAMETER} (ThrottlingException: Rate exceeded): keeping the last value read`,
    ]);
  });

  it('uses plan, not an auto fallback, when the first read fails', async () => {
    ssm
      .on(GetParameterCommand)
      .rejects(createSdkError({ name: 'AccessDeniedException', message: 'denied', httpStatusCode: 400 }));

    const settings = await source({ fallback: { mode: 'auto', autoRetrigger: ['*'] } }).current();

    expect(settings).toMatchObject({ mode: 'plan', autoRetrigger: [], source: 'safe-default' });
    expect(settings.warnings[0]).toMatch(/AccessDeniedException: denied\): using plan$/);
  });

  it('uses plan after an invalid value when the next read fails, not the auto read before it', async () => {
    ssm
      .on(GetParameterCommand)
      .resolvesOnce(parameter('auto'))
      .resolvesOnce(parameter('autoo'))
      .rejects(throttled());
    const mode = source({ ttlMs: 0 });

    await mode.current();
    await mode.current();
    const settings = await mode.current();

    expect(settings).toMatchObject({ mode: 'plan', source: 'safe-default' });
  });

  it('uses the deployed default when the parameter does not exist', async () => {
    ssm
      .on(GetParameterCommand)
      .rejects(createSdkError({ name: 'ParameterNotFound', message: '', httpStatusCode: 400 }));

    const settings = await source({
      fallback: { mode: 'auto', autoRetrigger: ['DstObjectHardDeleted'] },
    }).current();

    expect(settings).toMatchObject({
      mode: 'auto',
      autoRetrigger: ['DstObjectHardDeleted'],
      source: 'fallback',
    });
    expect(settings.warnings[0]).toContain('does not exist');
  });

  it('defaults to plan when the parameter does not exist and no default was given', async () => {
    ssm
      .on(GetParameterCommand)
      .rejects(createSdkError({ name: 'ParameterNotFound', message: '', httpStatusCode: 400 }));

    expect(await source().current()).toMatchObject({ mode: 'plan', autoRetrigger: [] });
  });

  it('treats a parameter without a value as invalid', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER } });

    expect(await source().current()).toMatchObject({ mode: 'plan', source: 'safe-default' });
  });

  it('gives each caller its own copy of the settings', async () => {
    ssm
      .on(GetParameterCommand)
      .resolves(parameter('{"mode":"auto","autoRetrigger":["DstObjectHardDeleted"]}'));
    const mode = source();

    const first = await mode.current();
    first.autoRetrigger.push('*');
    const second = await mode.current();

    expect(second.autoRetrigger).toEqual(['DstObjectHardDeleted']);
  });
});
