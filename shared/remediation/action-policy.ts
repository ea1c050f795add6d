/**
 * What to do about a diagnosis. Safe by default: nothing is written unless the mode is `auto` AND the
 * failure's class was opted in, and only when the diagnosis found no cause left (a copy while the cause
 * remains would only fail again).
 */
import type { Mode } from '../config.js';
import type { Diagnosis } from '../diagnosis/types.js';

export interface ActionSettings {
  mode: Mode;
  /** Failure reasons (e.g. `DstObjectHardDeleted`) copied in place automatically in `auto` mode; `*` for all. */
  autoRetrigger: string[];
}

export const SAFE_SETTINGS: ActionSettings = { mode: 'plan', autoRetrigger: [] };

/** Matches every problem class in `autoRetrigger`. */
export const ANY_CLASS = '*';

export interface ActionDecision {
  action: 'notify' | 'retrigger' | 'ignore';
  /** Whether to write (copy in place) now; `false` means show what would be done. */
  execute: boolean;
  mode: Mode;
  reason: string;
}

/** Whether auto mode may write for this failure reason (the act function's copies, the sweep's re-drives). */
export function isOptedIn(
  failureReason: string | undefined,
  settings: Pick<ActionSettings, 'autoRetrigger'>,
): boolean {
  if (settings.autoRetrigger.includes(ANY_CLASS)) return true;
  return failureReason !== undefined && settings.autoRetrigger.includes(failureReason);
}

function describeClass(failureReason: string | undefined): string {
  return failureReason ?? 'a failure without a failure reason';
}

function decideRetrigger(diagnosis: Diagnosis, settings: ActionSettings): ActionDecision {
  const { mode } = settings;
  const { failureReason, versionId } = diagnosis.failure;
  const plan = (why: string): ActionDecision => ({ action: 'retrigger', execute: false, mode, reason: why });
  if (diagnosis.action !== 'retrigger') {
    // The verdict and the action disagree; only the diagnosis may say a copy is wanted, so the safe reading wins.
    return {
      action: 'notify',
      execute: false,
      mode,
      reason: `No cause was found, but the diagnosis asks to ${diagnosis.action}, not to copy: notify.`,
    };
  }
  if (mode === 'plan') {
    return plan('No cause remains. Mode plan: the copy in place is shown, nothing is changed.');
  }
  if (!versionId) {
    // Without the failed version we cannot prove the copy would not overwrite a newer one.
    return plan('No cause remains, but the event names no version: copy in place only shown, never run.');
  }
  if (!isOptedIn(failureReason, settings)) {
    return plan(
      `No cause remains. Mode auto, but ${describeClass(failureReason)} is not opted in to automatic copy in place: shown only.`,
    );
  }
  return {
    action: 'retrigger',
    execute: true,
    mode,
    reason: `No cause remains and ${describeClass(failureReason)} is opted in. Mode auto: copying in place so replication runs again.`,
  };
}

export function decideAction(diagnosis: Diagnosis, settings: ActionSettings): ActionDecision {
  const { mode } = settings;
  const verdict = diagnosis.verdict;
  switch (verdict) {
    case 'no-action-needed': {
      const why = diagnosis.causes[0]?.summary ?? 'the object replicated or is gone';
      return { action: 'ignore', execute: false, mode, reason: `Nothing to do: ${why}` };
    }
    case 'root-cause-found': {
      const first = diagnosis.causes[0];
      const where = first ? ` (${first.location}: ${first.problem})` : '';
      return {
        action: 'notify',
        execute: false,
        mode,
        reason: `A cause was found${where}; a copy would fail again until it is fixed.`,
      };
    }
    case 'inconclusive': {
      const checks = diagnosis.inconclusive.map((item) => item.check).join(', ');
      return {
        action: 'notify',
        execute: false,
        mode,
        reason: `Some checks could not run${checks ? ` (${checks})` : ''}; no copy without knowing the cause is gone.`,
      };
    }
    case 'no-cause-found':
      return decideRetrigger(diagnosis, settings);
    default: {
      // A verdict added later (the event may come from a newer diagnoser) is shown to a person, never acted on.
      const exhaustive: never = verdict;
      return {
        action: 'notify',
        execute: false,
        mode,
        reason: `Unknown verdict "${String(exhaustive)}": notify.`,
      };
    }
  }
}
