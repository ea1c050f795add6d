/**
 * Bundles a handler exactly as serverless-esbuild does for `sls package`, and loads a bundle in a fresh Node
 * process the way Lambda's init does, timing the module load.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type BuildOptions, build } from 'esbuild';

export class BundleSettingsError extends Error {
  override readonly name = 'BundleSettingsError';
}

/** serverless-esbuild's own settings: it removes these before handing the rest to esbuild (1.57, bundle.js). */
const PLUGIN_ONLY_SETTINGS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

function stringArray(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.filter((item): item is string => typeof item === 'string');
}

/**
 * The esbuild options serverless-esbuild derives from `custom.esbuild`: its defaults (target from the
 * runtime, `exclude: ['aws-sdk']`), overridden by the settings, plugin-only keys removed, `exclude` added to
 * `external` and `outputFileExtension` turned into `outExtension`. Settings it would load from files
 * (`config`, `plugins`) are refused rather than silently ignored.
 */
export function esbuildOptionsFrom(settings: Record<string, unknown>, runtime: string): BuildOptions {
  for (const unsupported of ['config', 'plugins'])
    if (unsupported in settings)
      throw new BundleSettingsError(`custom.esbuild.${unsupported} is not reproduced by the benchmark`);
  const runtimeTarget = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  const merged: Record<string, unknown> = {
    bundle: true,
    target: runtimeTarget ? `node${runtimeTarget}` : 'node18',
    external: [],
    exclude: ['aws-sdk'],
    platform: 'node',
    outputFileExtension: '.js',
    ...settings,
  };
  const exclude = stringArray(merged.exclude);
  const extension = String(merged.outputFileExtension);
  const options = Object.fromEntries(
    Object.entries(merged).filter(([key]) => !PLUGIN_ONLY_SETTINGS.includes(key)),
  ) as BuildOptions;
  return {
    ...options,
    external: [...stringArray(merged.external), ...(exclude.includes('*') ? [] : exclude)],
    ...(extension !== '.js' ? { outExtension: { '.js': extension } } : {}),
  };
}

export interface Bundle {
  /** The entry module. */
  file: string;
  /** Every file the build wrote: the entry and, with code splitting, its chunks (what the package deploys). */
  bytes: number;
  /** The entry and the chunks it imports statically: what a cold start loads before the handler runs. */
  startBytes: number;
  /** The source files in those (relative to the root, as esbuild names them). */
  startInputs: string[];
  /** Every source file in the bundle, as esbuild names them. */
  inputs: string[];
  /**
   * The chunks the project's own code loads by `import()` on first use (absolute paths), not those the SDK
   * loads itself (credential providers Lambda never needs): loading them all is every path the function has.
   */
  deferred: string[];
  /** Bytes of the bundle by npm package (`(project)` for the project's own code), largest first. */
  parts: { name: string; bytes: number }[];
}

function partName(input: string): string {
  const path = input.replace(/\\/g, '/');
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return '(project)';
  const [scope, name] = path.slice(at + 'node_modules/'.length).split('/');
  return scope?.startsWith('@') ? `${scope}/${name ?? ''}` : (scope ?? '(project)');
}

/**
 * Bundles one entry into `outdir`. `nodePaths` lets an entry outside the project (the baseline, written to a
 * temp dir) resolve the project's packages; it changes where modules are found, not what is emitted.
 */
export async function bundleEntry(options: {
  root: string;
  entry: string;
  outdir: string;
  build: BuildOptions;
  nodePaths?: string[];
}): Promise<Bundle> {
  const entry = resolve(options.root, options.entry);
  // The metafile only describes the output; serverless-esbuild emits the same bundle without it.
  const result = await build({
    ...options.build,
    metafile: true,
    absWorkingDir: options.root,
    entryPoints: [entry],
    outdir: options.outdir,
    ...(options.nodePaths ? { nodePaths: options.nodePaths } : {}),
    logLevel: 'error',
  });
  const extension = options.build.outExtension?.['.js'] ?? '.js';
  const file = join(options.outdir, `${basename(entry, extname(entry))}${extension}`);
  const parts = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
      parts.set(partName(input), (parts.get(partName(input)) ?? 0) + bytesInOutput);
  // The entry's static import graph is what a cold start loads; the rest loads when a path first needs it.
  const outputs = result.metafile.outputs;
  const entryOutput = Object.keys(outputs).find((output) => resolve(options.root, output) === file);
  if (!entryOutput) throw new Error(`esbuild wrote no ${file}`);
  const atStart = new Set<string>();
  const pending = [entryOutput];
  for (let output = pending.pop(); output !== undefined; output = pending.pop()) {
    if (atStart.has(output)) continue;
    atStart.add(output);
    for (const imported of outputs[output]?.imports ?? [])
      if (imported.kind === 'import-statement' && imported.path in outputs) pending.push(imported.path);
  }
  const projectImports = new Set(
    Object.entries(result.metafile.inputs)
      .filter(([input]) => partName(input) === '(project)')
      .flatMap(([, { imports }]) => imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path)),
  );
  let bytes = 0;
  let startBytes = 0;
  const deferred: string[] = [];
  for (const [output, { entryPoint }] of Object.entries(outputs)) {
    const size = (await stat(resolve(options.root, output))).size;
    bytes += size;
    if (atStart.has(output)) startBytes += size;
    else if (entryPoint && projectImports.has(entryPoint)) deferred.push(resolve(options.root, output));
  }
  const startInputs = [...atStart].flatMap((output) => Object.keys(outputs[output]?.inputs ?? {}));
  return {
    file,
    bytes,
    startBytes,
    startInputs,
    inputs: Object.values(outputs).flatMap((output) => Object.keys(output.inputs)),
    deferred,
    parts: [...parts].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
  };
}

export type LoadResult = { kind: 'loaded'; ms: number } | { kind: 'failed'; error: string };

/** What Lambda sets in every function's environment, with dummy credentials. */
export function lambdaRuntimeEnvironment(functionName: string, region: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    AWS_SESSION_TOKEN: 'not-a-token',
    // Lambda runs Node 22, where the SDK has nothing to warn about; a warning here would be timed too.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

const run = promisify(execFile);

function loadScript(file: string, exportName: string, alsoLoad: readonly string[]): string {
  const url = JSON.stringify(pathToFileURL(file).href);
  const name = JSON.stringify(exportName);
  const more = alsoLoad
    .map((other) => `await import(${JSON.stringify(pathToFileURL(other).href)});`)
    .join(' ');
  // The error is reported as data on stdout: Node's own report would print a line of minified source.
  return `
    const started = performance.now();
    let loaded;
    try { loaded = await import(${url}); ${more} }
    catch (error) {
      const text = error instanceof Error ? error.name + ': ' + error.message : String(error);
      process.stdout.write(JSON.stringify({ error: text }), () => process.exit(1));
    }
    if (loaded) {
      const ms = performance.now() - started;
      const type = typeof loaded[${name}];
      const result = type === 'function' ? { ms } : { error: 'export ' + ${name} + ' is ' + type + ', not a function' };
      process.stdout.write(JSON.stringify(result), () => process.exit(0));
    }`;
}

function reportedError(stdout: string): string | undefined {
  try {
    const parsed = JSON.parse(stdout) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Imports the bundle in a fresh `node` process with only the given environment and returns the time the
 * import took (Node's own start-up excluded), or why it failed: a throw at load (a config error), a missing
 * export, a crash or a hang. `alsoLoad`: modules imported after the entry and timed with it (the chunks a
 * code-split bundle loads on first use), for the cost of a cold start that takes every path.
 */
export async function loadInFreshNode(
  file: string,
  exportName: string,
  environment: Record<string, string>,
  options: { timeoutMs?: number; alsoLoad?: readonly string[] } = {},
): Promise<LoadResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', loadScript(file, exportName, options.alsoLoad ?? [])],
      {
        env: environment,
        timeout: timeoutMs,
      },
    );
    const error = reportedError(stdout);
    if (error !== undefined) return { kind: 'failed', error };
    const { ms } = JSON.parse(stdout) as { ms: unknown };
    if (typeof ms !== 'number')
      return { kind: 'failed', error: `unexpected output: ${stdout.slice(0, 200)}` };
    return { kind: 'loaded', ms };
  } catch (caught) {
    const failure = caught as { stdout?: unknown; stderr?: unknown; killed?: boolean; message?: string };
    const error = reportedError(String(failure.stdout ?? ''));
    if (error !== undefined) return { kind: 'failed', error };
    if (failure.killed) return { kind: 'failed', error: `did not finish loading within ${timeoutMs} ms` };
    const lines = String(failure.stderr ?? failure.message ?? '')
      .split('\n')
      .filter((line) => line.trim().length > 0 && line.length < 300);
    return { kind: 'failed', error: lines.find((line) => /Error\b/.test(line)) ?? lines.at(-1) ?? 'crashed' };
  }
}
