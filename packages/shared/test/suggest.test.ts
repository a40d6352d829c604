import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../src/config/suggest.ts';
import { unknownEnvWarnings } from '../src/config/unknown-env.ts';

describe('closest', () => {
  it('finds typos (a letter more, less, changed, two swapped) and nothing for another word', () => {
    const keys = ['ttl', 'zones', 'forward', 'nameserver', 'listen'];
    expect(closest('ttll', keys)).toBe('ttl');
    expect(closest('zone', keys)).toBe('zones');
    expect(closest('froward', keys)).toBe('forward');
    expect(closest('namesrever', keys)).toBe('nameserver');
    expect(closest('upstreams', keys)).toBeUndefined();
    expect(closest('x', keys)).toBeUndefined();
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('unknownEnvWarnings', () => {
  const known = ['HORIZON_TTL', 'HORIZON_TTL_FILE', 'HORIZON_LOG_LEVEL', 'HORIZON_FORWARD_UPSTREAMS'];
  it('names a mistyped variable with the closest one, and an unrelated one without a guess', () => {
    expect(unknownEnvWarnings(['HORIZON_TTLL', 'HORIZON_FOO'], known).map((w) => w.message)).toEqual([
      'HORIZON_TTLL is not a setting, ignored (did you mean HORIZON_TTL?)',
      'HORIZON_FOO is not a setting, ignored',
    ]);
    expect(unknownEnvWarnings(['HORIZON_LOG_LEVLE'], known)[0]?.suggestion).toBe('HORIZON_LOG_LEVEL');
  });

  it("puts Kubernetes' service-link variables on one line, with the setting that stops them", () => {
    const links = [
      'HORIZON_DNS_SERVICE_HOST',
      'HORIZON_DNS_SERVICE_PORT_DNS_UDP',
      'HORIZON_DNS_PORT',
      'HORIZON_DNS_PORT_53_UDP_ADDR',
    ];
    const warnings = unknownEnvWarnings(links, known);
    expect(warnings).toEqual([
      {
        message:
          '4 Kubernetes service-link variables ignored (enableServiceLinks: false in the pod spec turns them off)',
        variables: links,
      },
    ]);
  });
});
