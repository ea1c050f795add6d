import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bundle, bundleEntry, esbuildOptionsFrom } from '../../bench/lib/lambda-bundles.js';
import { readServiceDefinition } from '../../bench/lib/service-definition.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The SDK clients a cold start of the bundle loads (its handler's static imports), sorted. */
function clientsAtStart(bundle: Bundle): string[] {
  const clients = bundle.startInputs.flatMap((input) => {
    const match = /node_modules\/@aws-sdk\/(client-[\w-]+)\//.exec(input);
    return match?.[1] ? [match[1]] : [];
  });
  return [...new Set(clients)].sort();
}

function projectAtStart(bundle: Bundle, folder: string): string[] {
  return bundle.startInputs.filter((input) => !input.includes('node_modules') && input.startsWith(folder));
}

// What each function loads before its handler runs. A path only some invocations take loads on first use;
// a stray static import would quietly put it back into every cold start, so each is pinned here.
describe('what a cold start of each function loads', () => {
  const definition = readServiceDefinition(ROOT);
  const bundles = new Map<string, Bundle>();
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'srd-start-graph-'));
    const build = esbuildOptionsFrom(definition.esbuild, definition.runtime);
    for (const fn of definition.functions)
      bundles.set(
        fn.name,
        await bundleEntry({ root: ROOT, entry: fn.entry, outdir: join(directory, fn.name), build }),
      );
  }, 120_000);

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const bundle = (name: string): Bundle => {
    const found = bundles.get(name);
    if (!found) throw new Error(`no function ${name} in serverless.yml`);
    return found;
  };

  it('diagnose: S3 (nearly every plan reads it first) and the bus; IAM, KMS, STS, Organizations and SQS on first use', () => {
    expect(clientsAtStart(bundle('diagnose'))).toEqual(['client-eventbridge', 'client-s3']);
  });

  it('act: the ledger and the mode; the diagnosis engine, copy code and S3 only for a retrigger, channels on first notice', () => {
    const act = bundle('act');
    expect(clientsAtStart(act)).toEqual(['client-dynamodb', 'client-ssm']);
    expect(act.startInputs).not.toContain('shared/diagnosis/diagnose.ts');
    expect(projectAtStart(act, 'shared/diagnosis/checks/')).toEqual([]);
    expect(projectAtStart(act, 'shared/policy/')).toEqual([]);
    expect(projectAtStart(act, 'shared/notify/slack')).toEqual([]);
    expect(act.startInputs).not.toContain('shared/remediation/copy-in-place.ts');
    expect(act.startInputs).not.toContain('shared/remediation/multipart-copy.ts');
  });

  it('sweep: only the incident table until an incident is open; no S3 Control at all (batchJobs runs the jobs)', () => {
    const sweep = bundle('sweep');
    expect(clientsAtStart(sweep)).toEqual(['client-dynamodb']);
    expect(sweep.startInputs).not.toContain('shared/diagnosis/diagnose.ts');
    expect(projectAtStart(sweep, 'shared/diagnosis/checks/')).toEqual([]);
    expect(projectAtStart(sweep, 'shared/policy/')).toEqual([]);
    expect(projectAtStart(sweep, 'shared/redrive/')).toEqual([]);
    expect(sweep.parts.map((part) => part.name)).not.toContain('@aws-sdk/client-s3-control');
    expect(sweep.startInputs).not.toContain('shared/remediation/copy-in-place.ts');
    expect(sweep.startInputs).not.toContain('shared/remediation/multipart-copy.ts');
  });

  it('audit: S3 and its state table; the channels when a gap is reported, the other reads on first use', () => {
    expect(clientsAtStart(bundle('audit'))).toEqual(['client-dynamodb', 'client-s3']);
  });

  it('batchJobs: only the incident table until an incident has been handed over; then S3 and S3 Control', () => {
    const jobs = bundle('batchJobs');
    expect(clientsAtStart(jobs)).toEqual(['client-dynamodb']);
    expect(jobs.parts.map((part) => part.name)).toContain('@aws-sdk/client-s3-control');
    expect(projectAtStart(jobs, 'shared/redrive/')).toEqual([]);
  });

  it('enrol: S3 only', () => {
    expect(clientsAtStart(bundle('enrol'))).toEqual(['client-s3']);
  });

  it('bundles only the SDK commands the code sends: an import() of a whole client package would keep them all', () => {
    for (const [name, bundle] of bundles) {
      const commands = bundle.inputs.flatMap((input) => {
        const match = /node_modules\/@aws-sdk\/(client-[\w-]+)\/dist-es\/commands\/(\w+)Command\.js$/.exec(
          input,
        );
        return match ? [`${match[1]}:${match[2]}`] : [];
      });
      const sqs = commands.filter((command) => command.startsWith('client-sqs:'));
      expect(sqs, name).toEqual(['diagnose', 'act'].includes(name) ? ['client-sqs:SendMessage'] : []);
      // Far fewer than any client's full set (SQS alone has 23 commands).
      expect(commands.length, name).toBeLessThan(60);
    }
  });

  it('defers something in every function but enrol, and keeps each under the size target in what it loads', () => {
    for (const name of ['diagnose', 'act', 'sweep', 'batchJobs', 'audit']) {
      expect(bundle(name).deferred.length, name).toBeGreaterThan(0);
      expect(bundle(name).startBytes, name).toBeLessThan(bundle(name).bytes);
    }
  });
});
