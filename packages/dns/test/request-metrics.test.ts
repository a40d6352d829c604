import { createMetricsRegistry } from '@horizon/shared';
import { describe, expect, it } from 'vitest';
import { createRequestObserver } from '../src/request-metrics.ts';
import { TYPE } from '../src/wire/constants.ts';
import { queryOf } from './queries.ts';

describe('request metrics (as CoreDNS names them: requests, responses, durations)', () => {
  it('counts each request by transport, family and type, each response by rcode, and its duration by type', async () => {
    const registry = createMetricsRegistry('dns');
    const observe = createRequestObserver(registry);
    const started = performance.now();
    const aaaa = queryOf('a.example.org', TYPE.AAAA);
    const answer = (rcode: number) => Buffer.from([0, 7, 0x81, 0x80 | rcode]);
    observe(aaaa, 'udp', 4, answer(0), started);
    observe(aaaa, 'udp', 4, answer(0), started);
    observe(queryOf('b.example.org', TYPE.A), 'tcp', 6, answer(3), started);
    observe(queryOf('c.example.org', 99), 'udp', 4, answer(9), started); // a type without its own label
    observe(null, 'udp', 6, null, started); // unparsable, not answered
    const text = await registry.metrics();
    const value = (series: string) =>
      Number(new RegExp(`^${series.replace(/[{}+]/g, '\\$&')} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
    expect(value('horizon_dns_requests_total{proto="udp",family="1",type="AAAA",service="dns"}')).toBe(2);
    expect(value('horizon_dns_requests_total{proto="tcp",family="2",type="A",service="dns"}')).toBe(1);
    expect(value('horizon_dns_requests_total{proto="udp",family="1",type="other",service="dns"}')).toBe(1);
    expect(value('horizon_dns_requests_total{proto="udp",family="2",type="unknown",service="dns"}')).toBe(1);
    expect(value('horizon_dns_responses_total{rcode="NOERROR",service="dns"}')).toBe(2);
    expect(value('horizon_dns_responses_total{rcode="NXDOMAIN",service="dns"}')).toBe(1);
    expect(value('horizon_dns_responses_total{rcode="NOTAUTH",service="dns"}')).toBe(1);
    expect(value('horizon_dns_responses_total{rcode="dropped",service="dns"}')).toBe(1);
    expect(value('horizon_dns_request_duration_seconds_count{type="AAAA",service="dns"}')).toBe(2);
    expect(value('horizon_dns_request_duration_seconds_bucket{le="+Inf",type="AAAA",service="dns"}')).toBe(2);
  });
});
