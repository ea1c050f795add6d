#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step): tsx registers a loader, then the CLI module is imported.
import { register } from 'tsx/esm/api';

// The SDK warns on Node 20 that future releases need Node 22; the CLI supports 20, so keep stderr for our own lines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../shared/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
