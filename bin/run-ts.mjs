#!/usr/bin/env node
// Runs one TypeScript entry point (benchmarks, scripts) through tsx's loader: `node bin/run-ts.mjs bench/run.ts`.
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: run-ts.mjs FILE.ts [args...]');
  process.exit(2);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
process.argv = [process.argv[0] ?? 'node', entry, ...rest];
await import(pathToFileURL(entry).href);
