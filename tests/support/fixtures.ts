/**
 * The one way tests load JSON fixtures (sample events, account snapshots, expected diagnoses):
 * by path relative to the repository root, so a test reads the same files the demo and README use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in `tests/support/`). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function fixturePath(relativePath: string): string {
  return join(REPO_ROOT, relativePath);
}

export class FixtureError extends Error {
  override readonly name = 'FixtureError';
}

/**
 * Loads and parses `relativePath` (e.g. `events/scenarios/seed-healthy/snapshot.json`). The type parameter
 * states what the caller expects; the fixture is not validated here, so validate where the shape matters.
 */
export function loadFixture<T = unknown>(relativePath: string): T {
  const path = fixturePath(relativePath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FixtureError(`cannot read fixture ${relativePath}`, { cause: error });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new FixtureError(`fixture ${relativePath} is not valid JSON`, { cause: error });
  }
}
