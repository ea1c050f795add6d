import { describe, expect, it } from 'vitest';
import { IncompleteRunError, throwIfIncomplete } from '../../shared/incidents/errors.js';

describe('a scheduled run that could not handle some incidents', () => {
  it('passes when every incident was handled', () => {
    expect(() => throwIfIncomplete({ incidents: 3, errors: 0 }, 'incident sweep failed')).not.toThrow();
  });

  it('fails as a whole, counting them and naming the log line that tells why', () => {
    expect(() => throwIfIncomplete({ incidents: 3, errors: 2 }, 'incident sweep failed')).toThrow(
      new IncompleteRunError(
        '2 of 3 incident(s) could not be handled (see "incident sweep failed" in this log); the next run tries them again',
      ),
    );
  });
});
