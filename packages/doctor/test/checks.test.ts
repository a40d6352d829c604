import { HEADERS_TO_BACKEND_WITH_FEATURES, HEADERS_TO_EXT_AUTH } from '@horizon/authproxy/envoy';
import { type HTTPRoute, type SecurityPolicy, snapshotOf } from '@horizon/shared';
import { accepted, gateway, httpRoute } from '@horizon/test/harness';
import { describe, expect, it } from 'vitest';
import { checkRoutes } from '../src/checks/routes.ts';
import { checkSecurityPolicies } from '../src/checks/security-policies.ts';
import { parseDoctorArgs } from '../src/cli.ts';
import { parseServer } from '../src/dns-query.ts';
import type { DoctorInputs } from '../src/inputs.ts';
import { publicOnlyNames, zoneOf } from '../src/inputs.ts';
import { textReport } from '../src/report.ts';

const policy = (extAuth: object, target = 'pdf'): SecurityPolicy => ({
  apiVersion: 'gateway.envoyproxy.io/v1alpha1',
  kind: 'SecurityPolicy',
  metadata: { name: target, namespace: 'home' },
  spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: target }], extAuth },
});
const backend = { backendRefs: [{ name: 'horizon-authproxy', namespace: 'security', port: 4180 }] };

function inputs(parts: {
  routes?: HTTPRoute[];
  policies?: SecurityPolicy[];
  fromManifests?: boolean;
}): DoctorInputs {
  return {
    snapshot: snapshotOf(1, {
      gateways: [
        gateway('network', 'internal', '10.90.3.202', '*.home.example.com'),
        gateway('network', 'external', '10.90.3.201', '*.home.example.com'),
      ],
      httpRoutes: parts.routes ?? [],
      securityPolicies: parts.policies ?? [],
    }),
    fromManifests: parts.fromManifests ?? false,
    gateway: 'network/internal',
    zone: 'home.example.com',
    router: undefined,
    horizon: undefined,
    issuer: undefined,
    clientId: undefined,
    authService: 'horizon-authproxy',
    callbackPath: '/oauth2/callback',
    timeoutMs: 100,
    fetch,
  };
}

describe('security-policies', () => {
  it('passes a policy that sends what the check needs and passes the identity on', () => {
    const good = policy({
      headersToExtAuth: [...HEADERS_TO_EXT_AUTH.needed, ...HEADERS_TO_EXT_AUTH.useful],
      http: { ...backend, headersToBackend: [...HEADERS_TO_BACKEND_WITH_FEATURES] },
    });
    expect(checkSecurityPolicies(inputs({ policies: [good] })).map((f) => f.status)).toEqual(['ok']);
  });

  it('fails a policy without headersToExtAuth or that fails open; warns about what the app misses', () => {
    const bad = policy({ failOpen: true, http: { ...backend } });
    const found = checkSecurityPolicies(inputs({ policies: [bad] }));
    expect(found.map((f) => [f.status, f.message.split(':')[0]])).toEqual([
      ['fail', 'SecurityPolicy home/pdf has failOpen'],
      ['fail', 'SecurityPolicy home/pdf has no headersToExtAuth'],
      [
        'warn',
        "SecurityPolicy home/pdf does not pass x-auth-request-user, x-auth-request-subject, x-auth-request-email, x-auth-request-groups, x-auth-request-name, cookie, x-auth-request-access, authorization from Horizon's answer to the app (without cookie, the app also sees the session cookie).",
      ],
    ]);
    expect(found[1]?.fix).toContain('cookie, accept, x-forwarded-proto');
  });

  it('ignores policies that ask another auth service, and says when there are none', () => {
    const other = policy({ http: { backendRefs: [{ name: 'oauth2-proxy' }] } });
    expect(checkSecurityPolicies(inputs({ policies: [other] }))).toEqual([
      expect.objectContaining({ status: 'skip' }),
    ]);
  });
});

describe('routes-accepted', () => {
  it("reads the controller's verdict for the internal Gateway's parent, and cannot from manifests", () => {
    const ok = accepted(httpRoute('home', 'a', ['a.home.example.com']));
    const pending = httpRoute('home', 'b', ['b.home.example.com']);
    expect(checkRoutes(inputs({ routes: [ok, pending] })).map((f) => [f.status, f.subject])).toEqual([
      ['ok', 'HTTPRoute home/a'],
      ['fail', 'HTTPRoute home/b'],
    ]);
    expect(checkRoutes(inputs({ routes: [pending], fromManifests: true })).map((f) => f.status)).toEqual([
      'skip',
    ]);
  });
});

describe('inputs', () => {
  it("takes the zone from the internal Gateway's wildcard listener; finds names only the external one has", () => {
    const i = inputs({
      routes: [
        httpRoute('home', 'pdf', ['pdf.home.example.com'], 'network/external'),
        httpRoute('home', 'id', ['id.home.example.com'], 'network/internal'),
        httpRoute('home', 'id-ext', ['id.home.example.com'], 'network/external'),
      ],
    });
    expect(zoneOf(i.snapshot.gateways[0])).toBe('home.example.com');
    expect(publicOnlyNames(i)).toEqual(['pdf.home.example.com']);
  });

  it('reads servers as IP[:PORT] and the command line strictly', () => {
    expect(parseServer('10.90.254.1')).toEqual({ host: '10.90.254.1', port: 53 });
    expect(parseServer('127.0.0.1:5300')).toEqual({ host: '127.0.0.1', port: 5300 });
    expect(parseServer('[::1]:53')).toEqual({ host: '::1', port: 53 });
    expect(parseServer('udm.local')).toBeUndefined();
    expect(parseDoctorArgs(['--nope'])).toBe("Unknown option '--nope'");
    expect(parseDoctorArgs(['--json', '--router', '10.90.254.1'])).toEqual({
      json: true,
      router: '10.90.254.1',
    });
  });
});

describe('report', () => {
  it('prints each finding, the fix under problems, and a summary', () => {
    const text = textReport([
      { check: 'a', status: 'ok', message: 'fine' },
      { check: 'b', status: 'fail', message: 'broken', fix: 'mend it' },
    ]);
    expect(text).toBe(
      'ok    a: fine\nFAIL  b: broken\n      fix: mend it\n\n1 problems, 0 warnings, 1 checks passed, 0 skipped\n',
    );
  });
});
