import { describe, expect, it } from 'vitest';
import { createReporter } from '../../src/index/report.ts';
import type { Conflict, IndexData } from '../../src/index/types.ts';
import { captureLogger } from '../basics.ts';

// Each conflict and problem is said once while it lasts, and a flood is 20 lines and a summary.
const conflict = (n: number, same = false): Conflict => ({
  name: `n${n}.home.example.com`,
  source: 'service',
  owner: `Service home/s${n}`,
  winner: { source: 'route', owner: 'HTTPRoute home/r' },
  reason: 'a route serves it',
  same,
});
const index = (conflicts: Conflict[], problems: IndexData['problems'] = []) =>
  ({ conflicts, problems }) as unknown as IndexData;

describe('the index reporter', () => {
  it('says a conflict once while it lasts, again when it comes back, and same-record losers at debug', () => {
    const { lines, logger } = captureLogger('debug');
    const report = createReporter(logger);
    report(index([conflict(1)]));
    report(index([conflict(1)], [{ owner: 'DNSEndpoint home/e', problem: 'recordType NS is not served' }]));
    report(index([]));
    report(index([conflict(1), conflict(2, true)]));
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual([
      'warn n1.home.example.com: Service home/s1 is not served, a route serves it',
      'warn DNSEndpoint home/e: recordType NS is not served',
      'warn n1.home.example.com: Service home/s1 is not served, a route serves it',
      'debug name claimed twice with the same records',
    ]);
  });
  it('logs 20 new reports of one rebuild one by one, and the rest in one line', () => {
    const { lines, logger } = captureLogger();
    const report = createReporter(logger);
    const flood = Array.from({ length: 500 }, (_, i) => conflict(i));
    report(index(flood));
    expect(lines).toHaveLength(21);
    expect(lines.at(-1)?.msg).toBe('480 more conflicts and problems, listed on /records');
    report(index(flood));
    expect(lines).toHaveLength(21);
  });
});
