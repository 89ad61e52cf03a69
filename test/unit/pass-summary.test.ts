import { describe, expect, it } from 'vitest';
import { emptyReport } from '../../functions/use-cases/dispatcher/pass-context';
import { passSummary } from '../../scripts/local/pass-summary';

describe("the local platform's line for a dispatcher pass", () => {
  it('says nothing for a pass that did nothing', () => {
    expect(passSummary(emptyReport())).toBeNull();
  });

  it('names every counter that is not zero, in the report’s order, and no other', () => {
    expect(passSummary({ ...emptyReport(), planned: 1, sent: 2 })).toBe('planned 1, sent 2');
  });

  it('shows a pass that only put a failed send back for a retry, or only held an invitation', () => {
    expect(passSummary({ ...emptyReport(), retried: 1 })).toBe('retried 1');
    expect(passSummary({ ...emptyReport(), held: 3, recovered: 1 })).toBe('recovered 1, held 3');
  });
});
