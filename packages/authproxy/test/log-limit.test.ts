import { describe, expect, it } from 'vitest';
import { createLogLimiter } from '../src/log-limit.ts';
import { capture } from './fixtures.ts';

describe('the log limiter', () => {
  it('the limiter drops past its lines per window, says how many, and keeps at most its causes', () => {
    let t = 0;
    const out = capture();
    const limiter = createLogLimiter({ lines: 2, windowMs: 1000, causes: 3, now: () => t });
    for (let i = 0; i < 10; i++) limiter.warn(out.logger, 'a', { i }, 'line');
    expect(out.lines.length).toBe(2);
    t = 1000;
    limiter.warn(out.logger, 'a', {}, 'line');
    expect(out.lines.map((l) => l.msg)).toEqual([
      'line',
      'line',
      '8 more lines like "line" were dropped',
      'line',
    ]);
    for (let c = 0; c < 100; c++) limiter.warn(out.logger, `cause-${c}`, {}, 'other');
    t = 2000;
    // Causes beyond three were forgotten as they came: cause-0 starts a fresh window.
    limiter.warn(out.logger, 'cause-0', {}, 'other');
    expect(out.lines.at(-1)?.msg).toBe('other');
  });
});
