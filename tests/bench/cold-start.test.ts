import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addedOverBaseline, median } from '../../bench/cold-start.js';
import {
  type Bundle,
  BundleSettingsError,
  bundleEntry,
  esbuildOptionsFrom,
  lambdaRuntimeEnvironment,
  loadInFreshNode,
} from '../../bench/lib/lambda-bundles.js';
import {
  type FunctionDefinition,
  readServiceDefinition,
  ServiceDefinitionError,
} from '../../bench/lib/service-definition.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('cold-start bundles of the deployed functions', () => {
  const definition = readServiceDefinition(ROOT);
  const diagnose = definition.functions.find((fn) => fn.name === 'diagnose') as FunctionDefinition;
  let directory: string;
  let bundle: Bundle;
  let environment: Record<string, string>;

  beforeAll(async () => {
    // Prepare: the diagnose function, bundled as `sls package` would bundle it.
    directory = mkdtempSync(join(tmpdir(), 'srd-cold-start-test-'));
    bundle = await bundleEntry({
      root: ROOT,
      entry: diagnose.entry,
      outdir: directory,
      build: esbuildOptionsFrom(definition.esbuild, definition.runtime),
    });
    environment = { ...lambdaRuntimeEnvironment('diagnose', definition.region), ...diagnose.environment };
  }, 60_000);

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('bundles diagnose into a handler.mjs and the chunks it loads on first use, under 1 MB in all', () => {
    expect(bundle.file.endsWith('handler.mjs')).toBe(true);
    expect(bundle.bytes).toBeLessThan(1_000_000);
    expect(bundle.parts.map((part) => part.name)).toContain('@aws-sdk/client-eventbridge');
    // IAM, KMS, STS, Organizations and SQS load on first use: chunks outside what a cold start loads.
    expect(bundle.deferred.length).toBeGreaterThan(0);
    expect(bundle.startBytes).toBeGreaterThan(0);
    expect(bundle.startBytes).toBeLessThan(bundle.bytes);
  });

  it('loads the diagnose bundle in a fresh node process and finds its handler export', async () => {
    const load = await loadInFreshNode(bundle.file, diagnose.exportName, environment);

    expect(load.kind).toBe('loaded');
  });

  it('loads every deferred chunk after the handler when asked, timed with it', async () => {
    const load = await loadInFreshNode(bundle.file, diagnose.exportName, environment, {
      alsoLoad: bundle.deferred,
    });
    const missing = await loadInFreshNode(bundle.file, diagnose.exportName, environment, {
      alsoLoad: [join(directory, 'no-such-chunk.mjs')],
    });

    expect(load.kind).toBe('loaded');
    expect(missing.kind).toBe('failed');
  });

  it('reports a load failure naming the variable when the handler config throws at load', async () => {
    const { EVENT_BUS_NAME: _, ...withoutBus } = environment;

    const load = await loadInFreshNode(bundle.file, diagnose.exportName, withoutBus);

    expect(load).toEqual({
      kind: 'failed',
      error: 'ConfigError: missing required environment variable EVENT_BUS_NAME',
    });
  });

  it('reports a missing export as a load failure', async () => {
    const load = await loadInFreshNode(bundle.file, 'main', environment);

    expect(load).toEqual({ kind: 'failed', error: 'export main is undefined, not a function' });
  });
});

describe('reading serverless.yml', () => {
  it('lists every deployed function with its handler source and export', () => {
    const definition = readServiceDefinition(ROOT);

    expect(definition.functions.map(({ name, entry, exportName }) => ({ name, entry, exportName }))).toEqual(
      [
        ['diagnose', 'diagnose'],
        ['act', 'act'],
        ['sweep', 'sweep'],
        ['batchJobs', 'batch-jobs'],
        ['enrol', 'enrol'],
        ['audit', 'audit'],
      ].map(([name, folder]) => ({
        name,
        entry: `functions/${folder}/handler.ts`,
        exportName: 'handler',
      })),
    );
  });

  it('takes the esbuild settings from custom.esbuild as serverless-esbuild passes them to esbuild', () => {
    const definition = readServiceDefinition(ROOT);

    const options = esbuildOptionsFrom(definition.esbuild, definition.runtime);

    expect(options).toMatchObject({
      bundle: true,
      minify: true,
      keepNames: false,
      splitting: true,
      target: 'node22',
      platform: 'node',
      format: 'esm',
      outExtension: { '.js': '.mjs' },
      mainFields: ['module', 'main'],
      external: ['bowser'],
    });
    expect(options.banner?.js).toContain('createRequire');
    expect(options).not.toHaveProperty('packager');
    expect(options).not.toHaveProperty('skipRebuild');
    expect(options).not.toHaveProperty('exclude');
  });

  it('gives the deployed environment: parameter defaults, service values and reference-shaped dummies', () => {
    const diagnose = readServiceDefinition(ROOT).functions.find((fn) => fn.name === 'diagnose');

    expect(diagnose?.environment).toMatchObject({
      MODE: 'plan',
      POWERTOOLS_SERVICE_NAME: 's3-replication-doctor',
      POWERTOOLS_METRICS_NAMESPACE: 'S3ReplicationDoctor',
      DESTINATION_READ_ROLE_ARN: '',
    });
    expect(diagnose?.environment.DEAD_LETTER_QUEUE_URL).toMatch(
      /^https:\/\/sqs\.us-east-1\.amazonaws\.com\/123456789012\/\S+$/,
    );
    expect(diagnose?.environment.EVENT_BUS_NAME).toMatch(/\S/);
  });

  it('refuses a variable it cannot resolve instead of guessing a value', () => {
    const root = mkdtempSync(join(tmpdir(), 'srd-cold-start-yml-'));
    try {
      mkdirSync(join(root, 'functions', 'x'), { recursive: true });
      writeFileSync(join(root, 'functions', 'x', 'handler.ts'), 'export const handler = () => 1;\n');
      writeFileSync(
        join(root, 'serverless.yml'),
        [
          'service: demo',
          'provider:',
          '  runtime: nodejs22.x',
          'custom:',
          '  esbuild:',
          '    bundle: true',
          'functions:',
          '  x:',
          '    handler: functions/x/handler.handler',
          '    environment:',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, not a JS template
          '      TOKEN: ${ssm:/secret/token}',
        ].join('\n'),
      );

      expect(() => readServiceDefinition(root)).toThrow(ServiceDefinitionError);
      expect(() => readServiceDefinition(root)).toThrow(/\$\{ssm:\/secret\/token\}/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('serverless-esbuild settings translation', () => {
  it('applies the plugin defaults, turns exclude into external and outputFileExtension into outExtension', () => {
    expect(
      esbuildOptionsFrom({ exclude: ['sharp'], outputFileExtension: '.cjs', concurrency: 4 }, 'nodejs20.x'),
    ).toEqual({
      bundle: true,
      target: 'node20',
      platform: 'node',
      external: ['sharp'],
      outExtension: { '.js': '.cjs' },
    });
    expect(esbuildOptionsFrom({}, 'nodejs22.x').external).toEqual(['aws-sdk']);
    expect(esbuildOptionsFrom({ exclude: ['*'], external: ['pg'] }, 'nodejs22.x').external).toEqual(['pg']);
  });

  it('refuses settings it would have to load from files', () => {
    expect(() => esbuildOptionsFrom({ config: './esbuild.config.cjs' }, 'nodejs22.x')).toThrow(
      BundleSettingsError,
    );
    expect(() => esbuildOptionsFrom({ plugins: './plugins.cjs' }, 'nodejs22.x')).toThrow(BundleSettingsError);
  });
});

describe('cold-start arithmetic', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('names the packages a bundle carries beyond the baseline, largest first', () => {
    const baseline: Bundle = {
      file: 'b',
      bytes: 300_000,
      startBytes: 300_000,
      startInputs: [],
      inputs: [],
      deferred: [],
      parts: [
        { name: '@aws-sdk/client-s3', bytes: 200_000 },
        { name: '@smithy/core', bytes: 100_000 },
      ],
    };
    const bundle: Bundle = {
      file: 'f',
      bytes: 1_000_000,
      startBytes: 600_000,
      startInputs: [],
      inputs: [],
      deferred: ['chunk.mjs'],
      parts: [
        { name: '(project)', bytes: 400_000 },
        { name: '@aws-sdk/client-s3', bytes: 200_000 },
        { name: '@smithy/core', bytes: 150_000 },
        { name: '@aws-sdk/client-sns', bytes: 250_000 },
      ],
    };

    expect(addedOverBaseline(bundle, baseline)).toBe(
      '(project) 400 kB, @aws-sdk/client-sns 250 kB, @smithy/core 50 kB',
    );
  });
});
