import { describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.ts';
import { createHistory } from '../src/ops/history.ts';
import { html, lineGraph, page, table } from '../src/ops/html.ts';
import { createRecent } from '../src/ops/recent.ts';

describe('history', () => {
  it('keeps per-second rates of counters and values of gauges, bounded to the last points', async () => {
    const clock = manualClock();
    let total = 0;
    let size = 0;
    const h = createHistory({ stepMs: 10_000, points: 3, clock });
    h.track('queries', { kind: 'counter', read: () => total });
    h.track('cache', { kind: 'gauge', read: () => size });
    await h.sample(); // a counter's first reading makes no point
    for (const [add, s] of [
      [100, 1],
      [50, 2],
      [0, 3],
      [200, 4],
    ] as const) {
      clock.advance(10_000);
      total += add;
      size = s;
      await h.sample();
    }
    expect(h.points('queries')).toEqual([5, 0, 20]);
    expect(h.points('cache')).toEqual([2, 3, 4]);
    total = 0; // a reset counter gives 0, never a negative rate
    clock.advance(10_000);
    await h.sample();
    expect(h.points('queries').at(-1)).toBe(0);
    expect(() => h.track('queries', { kind: 'gauge', read: () => 0 })).toThrow(/twice/);
  });

  it('samples on the clock until its signal aborts', async () => {
    const clock = manualClock();
    let n = 0;
    const h = createHistory({ stepMs: 1000, clock });
    h.track('n', { kind: 'gauge', read: () => ++n });
    const stop = new AbortController();
    const running = h.run(stop.signal);
    await new Promise((r) => setImmediate(r)); // the first sample's reads settle
    expect(h.points('n')).toEqual([1]);
    for (let i = 0; i < 3; i += 1) {
      await Promise.resolve();
      clock.advance(1000);
      await new Promise((r) => setImmediate(r));
    }
    expect(h.points('n')).toEqual([1, 2, 3, 4]);
    stop.abort();
    await running;
  });
});

describe('status page pieces', () => {
  it('escapes every value unless it is markup built by the helpers', () => {
    const evil = '<script>alert(1)</script>';
    const out = page('t', html`<p>${evil}</p>${table(['a'], [[evil], [html`<b>${'x'}</b>`]])}`);
    expect(out).not.toContain('<script>');
    expect(out).toContain('&#60;script&#62;');
    expect(out).toContain('<td><b>x</b></td>');
    expect(table(['a'], [], 'no names yet').html).toContain('no names yet');
  });

  it('draws a graph scaled to its largest value, newest points aligned', () => {
    const svg = lineGraph([
      { name: 'queries', points: [0, 5, 10], color: '#0969da' },
      { name: 'servfail', points: [1], color: '#cf222e' },
    ]).html;
    expect(svg).toContain('max 10');
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toMatch(/<path d="M639\.0,[\d.]+" /); // the one-point series sits at the right edge
  });

  it('says when there is nothing to draw yet, and calls an all-quiet graph 0', () => {
    expect(lineGraph([{ name: 'q', points: [], color: '#000' }]).html).toContain('no points yet');
    expect(lineGraph([{ name: 'q', points: [0, 0], color: '#000' }]).html).toContain('max 0<');
  });
});

describe('recent', () => {
  it('keeps the last items, newest first, in a fixed ring, counting every one', () => {
    const r = createRecent<number>(3);
    expect(r.list()).toEqual([]);
    for (let i = 1; i <= 5; i += 1) r.add(i);
    expect(r.list()).toEqual([5, 4, 3]);
    expect(r.total).toBe(5);
    expect(() => createRecent(0)).toThrow(/positive integer/);
  });
});
