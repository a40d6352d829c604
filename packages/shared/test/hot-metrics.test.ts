import { describe, expect, it } from 'vitest';
import { createMetricsRegistry, hotCounter, hotHistogram } from '../src/index.ts';

describe('hot metrics (counted with a field increment, read by prom-client at scrape)', () => {
  it('exposes counters per label set with the registry default labels', async () => {
    const registry = createMetricsRegistry('svc');
    const c = hotCounter(registry, 'x_checks_total', 'Checks.');
    const a = c.child({ decision: 'allow', policy: 'pdf' });
    a.inc();
    a.inc(2);
    c.child({ policy: 'pdf', decision: 'allow' }).inc(); // same set, other key order: same child
    c.child({ decision: 'deny', policy: 'pdf' }).inc();
    const text = await registry.metrics();
    expect(text).toContain('# TYPE x_checks_total counter');
    expect(text).toContain('x_checks_total{decision="allow",policy="pdf",service="svc"} 4');
    expect(text).toContain('x_checks_total{decision="deny",policy="pdf",service="svc"} 1');
  });

  it('finds the same child by label values in labelNames order', async () => {
    const registry = createMetricsRegistry('svc');
    const c = hotCounter(registry, 'x_decisions_total', 'Decisions.', ['decision', 'policy']);
    c.of('allow', 'pdf').inc();
    c.child({ policy: 'pdf', decision: 'allow' }).inc();
    expect(c.of('allow', 'pdf')).toBe(c.child({ decision: 'allow', policy: 'pdf' }));
    c.of('deny', 'pdf').inc();
    const text = await registry.metrics();
    expect(text).toContain('x_decisions_total{decision="allow",policy="pdf",service="svc"} 2');
    expect(text).toContain('x_decisions_total{decision="deny",policy="pdf",service="svc"} 1');
  });

  it('exposes histograms with cumulative buckets, +Inf, sum and count (Prometheus text format)', async () => {
    const registry = createMetricsRegistry('svc');
    const h = hotHistogram(registry, 'x_seconds', 'Time.', [0.001, 0.01, 0.1]).child({});
    for (const v of [0.0005, 0.001, 0.005, 0.05, 2]) h.observe(v);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE x_seconds histogram');
    expect(text).toContain('x_seconds_bucket{le="0.001",service="svc"} 2'); // le is inclusive
    expect(text).toContain('x_seconds_bucket{le="0.01",service="svc"} 3');
    expect(text).toContain('x_seconds_bucket{le="0.1",service="svc"} 4');
    expect(text).toContain('x_seconds_bucket{le="+Inf",service="svc"} 5');
    expect(text).toContain('x_seconds_sum{service="svc"} 2.0565');
    expect(text).toContain('x_seconds_count{service="svc"} 5');
    const json = await registry.getMetricsAsJSON();
    expect(json.find((m) => m.name === 'x_seconds')?.type).toBe('histogram');
  });

  it('lists nothing for a histogram child never observed', async () => {
    const registry = createMetricsRegistry('svc');
    hotHistogram(registry, 'x_idle_seconds', 'Idle.', [1]).child({ kind: 'a' });
    expect(await registry.metrics()).not.toContain('x_idle_seconds_bucket');
  });
});
