/**
 * The runtime mode: an SSM String parameter read with a short cache, so switching between `plan` and
 * `auto` needs no redeploy and is seen within `ttlMs`. Whatever goes wrong, the answer is never `auto`
 * unless someone asked for it: an unreadable value means `plan`, an unreadable parameter means the last
 * value read (or `plan`).
 *
 * Parameter values:
 *   plan                                                    diagnose and notify, copy nothing (the default)
 *   auto                                                    copy in place for the classes deployed in
 *                                                           `fallback.autoRetrigger` (none: nothing is copied)
 *   {"mode":"auto","autoRetrigger":["DstObjectHardDeleted"]}  copy in place for these classes (`*`: all)
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { readAwsErrorFields } from '../aws/sdk-error.js';
import { isKnownFailureReason } from '../events/failure-reasons.js';
import { type ActionSettings, ANY_CLASS, SAFE_SETTINGS } from './action-policy.js';

export type SettingsParse =
  | { success: true; settings: ActionSettings; warnings: string[] }
  | { success: false; error: string };

/** Where the settings came from, so a log line can say why the mode is what it is. */
export type SettingsSource = 'parameter' | 'fallback' | 'last-good' | 'safe-default';

export interface ModeSettings extends ActionSettings {
  source: SettingsSource;
  /** Problems to log (an invalid value, an unreadable parameter); empty when all is well. */
  warnings: string[];
}

export interface ModeSource {
  current(): Promise<ModeSettings>;
}

export interface ModeSourceOptions {
  ssm: SSMClient;
  parameterName: string;
  ttlMs?: number;
  /**
   * The deployed settings: used when the parameter does not exist, and their `autoRetrigger` is the list a
   * plain `auto` (or JSON without a list) opts in. Defaults to plan with no classes.
   */
  fallback?: ActionSettings;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
}

const KNOWN_FIELDS = new Set(['mode', 'autoRetrigger']);

function quote(text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 59)}…` : text;
  return JSON.stringify(shown);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseObject(parsed: Record<string, unknown>, defaultClasses: readonly string[]): SettingsParse {
  const unknown = Object.keys(parsed).filter((field) => !KNOWN_FIELDS.has(field));
  if (unknown.length > 0) {
    return {
      success: false,
      error: `unknown field ${quote(unknown[0] ?? '')} (expected mode, autoRetrigger)`,
    };
  }
  const { mode, autoRetrigger = [...defaultClasses] } = parsed;
  if (mode !== 'plan' && mode !== 'auto') {
    return { success: false, error: `mode must be "plan" or "auto", got ${quote(String(mode))}` };
  }
  if (
    !Array.isArray(autoRetrigger) ||
    !autoRetrigger.every((item) => typeof item === 'string' && /^\S+$/.test(item))
  ) {
    return { success: false, error: 'autoRetrigger must be a list of failure reasons (or "*")' };
  }
  const classes = [...new Set(autoRetrigger as string[])];
  const warnings = classes
    .filter((item) => item !== ANY_CLASS && !isKnownFailureReason(item))
    .map(
      (item) =>
        `autoRetrigger names ${quote(item)}, not a known failure reason: it matches only if S3 sends it`,
    );
  if (mode === 'auto' && classes.length === 0) {
    warnings.push('mode is auto but autoRetrigger is empty: nothing will be copied');
  }
  return { success: true, settings: { mode, autoRetrigger: classes }, warnings };
}

/**
 * Reads a parameter value: `plan`, `auto`, or the JSON form. A plain word (or JSON without `autoRetrigger`)
 * keeps `defaultClasses`, the deployed opt-in list: switching to `auto` never widens what may be copied.
 */
export function parseActionSettings(text: string, defaultClasses: readonly string[] = []): SettingsParse {
  const trimmed = text.trim();
  const word = trimmed.toLowerCase();
  if (word === 'plan' || word === 'auto') return parseObject({ mode: word }, defaultClasses);
  if (!trimmed.startsWith('{')) {
    return { success: false, error: `expected "plan", "auto" or a JSON object, got ${quote(trimmed)}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    return {
      success: false,
      error: `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  if (!isRecord(parsed)) return { success: false, error: 'expected a JSON object' };
  return parseObject(parsed, defaultClasses);
}

export function createModeSource(options: ModeSourceOptions): ModeSource {
  const { ssm, parameterName } = options;
  const ttlMs = options.ttlMs ?? 60_000;
  const fallback = options.fallback ?? SAFE_SETTINGS;
  const clock = options.now ?? Date.now;
  let cached: { settings: ModeSettings; until: number } | undefined;
  let lastGood: ActionSettings | undefined;
  let pending: Promise<ModeSettings> | undefined;

  const settingsFrom = (
    settings: ActionSettings,
    source: SettingsSource,
    warnings: string[],
  ): ModeSettings => ({
    mode: settings.mode,
    autoRetrigger: [...settings.autoRetrigger],
    source,
    warnings,
  });

  async function read(): Promise<ModeSettings> {
    let value: string | undefined;
    try {
      const output = await ssm.send(new GetParameterCommand({ Name: parameterName }));
      value = output.Parameter?.Value;
    } catch (error) {
      const { name, message } = readAwsErrorFields(error);
      if (name === 'ParameterNotFound') {
        lastGood = fallback;
        return settingsFrom(fallback, 'fallback', [
          `mode parameter ${parameterName} does not exist: using the deployed default (${fallback.mode})`,
        ]);
      }
      const problem = `could not read mode parameter ${parameterName} (${name}: ${message})`;
      if (lastGood) return settingsFrom(lastGood, 'last-good', [`${problem}: keeping the last value read`]);
      return settingsFrom(SAFE_SETTINGS, 'safe-default', [`${problem}: using plan`]);
    }
    const parsed = parseActionSettings(value ?? '', fallback.autoRetrigger);
    if (!parsed.success) {
      // Someone changed the value and got it wrong: their intent is unknown, so neither it nor an older `auto` holds.
      lastGood = undefined;
      return settingsFrom(SAFE_SETTINGS, 'safe-default', [
        `mode parameter ${parameterName} is invalid (${parsed.error}): using plan`,
      ]);
    }
    lastGood = parsed.settings;
    return settingsFrom(
      parsed.settings,
      'parameter',
      parsed.warnings.map((warning) => `mode parameter ${parameterName}: ${warning}`),
    );
  }

  return {
    async current() {
      // Copies, so a caller that edits its settings cannot change what the next caller gets.
      const copy = (settings: ModeSettings): ModeSettings => ({
        ...settings,
        autoRetrigger: [...settings.autoRetrigger],
        warnings: [...settings.warnings],
      });
      if (cached && clock() < cached.until) return copy(cached.settings);
      // Concurrent callers share one read.
      pending ??= read().finally(() => {
        pending = undefined;
      });
      const settings = await pending;
      cached = { settings, until: clock() + ttlMs };
      return copy(settings);
    },
  };
}
