import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthConfigSchema } from '@horizon/authproxy/config';
import { checkAuthConfig } from '@horizon/authproxy/config-check';
import { HEADERS_TO_BACKEND_WITH_FEATURES, HEADERS_TO_EXT_AUTH } from '@horizon/authproxy/envoy';
import { DnsConfigSchema } from '@horizon/dns/config';
import { DNS_KINDS } from '@horizon/dns/kinds';
import { parseDnsConfig } from '@horizon/dns/settings';
import { KINDS, loadConfig, substituteVariables } from '@horizon/shared';
import { scratchDir } from '@horizon/test/harness';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadCrdValidator } from './crd-schema.ts';
import { type KubeObject, kustomizeBuild, loadYaml } from './kustomize.ts';
import { checkStructure, isCoreKind } from './structure.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const KUBE = join(ROOT, 'deploy', 'kubernetes');
const CRDS = join(ROOT, 'test', 'fixtures', 'crds');
const crd = loadCrdValidator(CRDS);
const VARS = { SECRET_DOMAIN: 'home.example.com' };
const VERSION = JSON.parse(readFileSync(join(ROOT, 'packages', 'dns', 'package.json'), 'utf8')).version;

/** What Flux applies for one app: kustomize build of spec.path, then postBuild substitution. */
function fluxBuild(ks: KubeObject): KubeObject[] {
  const spec = ks.spec as { path: string; postBuild?: unknown; targetNamespace?: string };
  const dir = join(KUBE, '..', spec.path.replace(/^\.\//, ''));
  const objects = kustomizeBuild(dir);
  // Flux's targetNamespace overrides every namespaced object's namespace.
  for (const o of objects)
    if (spec.targetNamespace && !o.kind.startsWith('Cluster')) o.metadata.namespace = spec.targetNamespace;
  if (!spec.postBuild) return objects;
  return objects.map(
    (o) => parse(substituteVariables(stringify(o), VARS, `${spec.path} ${o.kind}`)) as KubeObject,
  );
}

function validate(o: KubeObject): string[] {
  if (isCoreKind(o)) return checkStructure(o);
  if (
    o.apiVersion.startsWith('gateway.networking.k8s.io/') ||
    o.apiVersion.startsWith('gateway.envoyproxy.io/') ||
    o.apiVersion.startsWith('externaldns.k8s.io/') ||
    o.apiVersion.startsWith('monitoring.coreos.com/')
  )
    return crd(o);
  if (o.apiVersion === 'external-secrets.io/v1' && o.kind === 'ExternalSecret') {
    const spec = o.spec as { secretStoreRef?: { kind?: string; name?: string }; target?: { name?: string } };
    return spec.secretStoreRef?.name && spec.target?.name
      ? []
      : ['ExternalSecret: secretStoreRef and target.name required'];
  }
  return [`${o.apiVersion} ${o.kind}: no validator`];
}

const apps = readdirSync(join(KUBE, 'apps')).flatMap((ns) =>
  readdirSync(join(KUBE, 'apps', ns)).map((app) => ({ ns, app, dir: join(KUBE, 'apps', ns, app) })),
);
const fluxApps = apps.filter((a) => readdirSync(a.dir).includes('ks.yaml'));
const built = new Map<string, KubeObject[]>(
  fluxApps.map((a) => [a.app, fluxBuild(loadYaml(join(a.dir, 'ks.yaml'))[0] as KubeObject)]),
);
built.set('bentopdf', kustomizeBuild(join(KUBE, 'apps', 'home', 'bentopdf', 'app')));
const all = [...built.values()].flat();
const find = (kind: string, name: string): KubeObject => {
  const found = all.find((o) => o.kind === kind && o.metadata.name.startsWith(name));
  if (!found) throw new Error(`no ${kind} ${name} in the builds`);
  return found;
};

describe('deploy/: the manifests a home-lab applies', () => {
  it.each(fluxApps)(
    'Flux Kustomization $ns/$app points at its app/ with the cluster secrets',
    ({ ns, app, dir }) => {
      const [ks] = loadYaml(join(dir, 'ks.yaml'));
      expect(ks?.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
      expect(ks?.kind).toBe('Kustomization');
      const spec = ks?.spec as Record<string, unknown>;
      expect(spec.path).toBe(`./kubernetes/apps/${ns}/${app}/app`);
      expect(spec.targetNamespace).toBe(ns);
      expect(spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'flux-system' });
      expect(spec.prune).toBe(true);
      expect(spec.interval).toMatch(/^\d+[smh]$/);
      // The monitoring app has nothing of the cluster's to substitute, and Grafana's and PromQL's
      // own $ variables must reach Grafana untouched.
      if (app === 'horizon-monitoring') expect(spec.postBuild).toBeUndefined();
      else expect(spec.postBuild).toEqual({ substituteFrom: [{ kind: 'Secret', name: 'cluster-secrets' }] });
    },
  );

  it.each([...built.entries()])(
    '%s builds into valid objects (core kinds by structure, CRD kinds by schema)',
    (_app, objects) => {
      expect(objects.length).toBeGreaterThan(0);
      for (const o of objects) expect(validate(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
      expect(stringify(objects)).not.toContain('${'); // every variable substituted
    },
  );

  it.each(['horizon-dns', 'horizon-authproxy', 'horizon-monitoring'])(
    'the plain base %s builds for kubectl apply -k, variables-free',
    (base) => {
      const objects = kustomizeBuild(join(KUBE, 'bases', base));
      for (const o of objects) expect(validate(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
      expect(stringify(objects)).not.toContain('${');
    },
  );

  it('gives each service a config its own loader accepts, and the image of this release', () => {
    const dir = scratchDir('deploy');
    const configOf = (name: string) => {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, String((find('ConfigMap', name).data as Record<string, string>)['config.yaml']));
      return file;
    };
    const dns = parseDnsConfig(loadConfig(DnsConfigSchema, { file: configOf('horizon-dns') }).config);
    expect(dns.zones).toEqual(['home.example.com']);
    expect(dns.nameserver.addresses).toEqual(['10.90.3.200']);
    // The design's forwarding: internal names and the LAN's reverse zone to the UDM, the rest over TLS.
    expect(dns.forward.rules.map((r) => [r.domains, r.upstreams])).toEqual([
      [['internal', '90.10.in-addr.arpa'], [{ host: '10.90.254.1', port: 53 }]],
    ]);
    expect(dns.forward.upstreams.every((u) => u.tls?.name === 'cloudflare-dns.com' && u.port === 853)).toBe(
      true,
    );
    const auth = loadConfig(AuthConfigSchema, {
      file: configOf('horizon-authproxy'),
      // What the Secret's files give at run time.
      overrides: { 'oidc.clientSecret': 'x', 'cookie.keys': ['A'.repeat(43)] },
    }).config;
    checkAuthConfig(auth);
    expect(auth.oidc.issuer).toBe('https://id.home.example.com');
    for (const name of ['horizon-dns', 'horizon-authproxy']) {
      const d = find('Deployment', name).spec as { template: { spec: { containers: { image: string }[] } } };
      expect(d.template.spec.containers[0]?.image).toBe(`ghcr.io/horizon-homelab/${name}:${VERSION}`);
    }
  });

  it('wires the pieces together: mounts, secret, service, reference grant, RBAC, address', () => {
    for (const name of ['horizon-dns', 'horizon-authproxy']) {
      const pod = (find('Deployment', name).spec as { template: { spec: Record<string, unknown> } }).template
        .spec;
      const volumes = pod.volumes as { configMap?: { name: string }; secret?: { secretName: string } }[];
      for (const v of volumes) {
        if (v.configMap) expect(find('ConfigMap', name).metadata.name).toBe(v.configMap.name);
        if (v.secret)
          expect((find('ExternalSecret', name).spec as { target: { name: string } }).target.name).toBe(
            v.secret.secretName,
          );
      }
      expect(pod.enableServiceLinks).toBe(false);
      expect(find('PodDisruptionBudget', name).kind).toBe('PodDisruptionBudget');
    }
    const policy = find('SecurityPolicy', 'bentopdf') as KubeObject;
    const ref = (
      policy.spec as {
        extAuth: { http: { backendRefs: { name: string; namespace: string; port: number }[] } };
      }
    ).extAuth.http.backendRefs[0];
    const service = find('Service', 'horizon-authproxy') as KubeObject;
    expect(service.metadata.namespace).toBe(ref?.namespace);
    expect((service.spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toContain(ref?.port);
    const grant = all.find(
      (o) => o.kind === 'ReferenceGrant' && o.metadata.namespace === ref?.namespace,
    ) as KubeObject;
    expect((grant.spec as { from: unknown[] }).from).toContainEqual({
      group: 'gateway.envoyproxy.io',
      kind: 'SecurityPolicy',
      namespace: policy.metadata.namespace,
    });
    // Exactly the kinds DNS watches, and the verbs its watcher uses (list, then watch): one rule per API group.
    const role = find('ClusterRole', 'horizon-dns') as KubeObject;
    const groups = new Map<string, string[]>();
    for (const kind of DNS_KINDS)
      groups.set(KINDS[kind].group, [...(groups.get(KINDS[kind].group) ?? []), kind]);
    expect(role.rules).toEqual(
      [...groups].map(([group, resources]) => ({ apiGroups: [group], resources, verbs: ['list', 'watch'] })),
    );
    const dnsService = find('Service', 'horizon-dns') as KubeObject;
    expect(dnsService.metadata).toMatchObject({ annotations: { 'lbipam.cilium.io/ips': '10.90.3.200' } });
    expect(
      (dnsService.spec as { ports: { port: number; protocol: string }[] }).ports.map(
        (p) => `${p.port}/${p.protocol}`,
      ),
    ).toEqual(['53/UDP', '53/TCP']);
  });

  it.each([
    ['deploy/examples', join(ROOT, 'deploy', 'examples')],
    ['the DNS source fixtures', join(ROOT, 'packages', 'dns', 'test', 'fixtures', 'sources')],
  ])('%s are valid objects (DNSEndpoint v0.22.0, GRPCRoute v1.6.1 and the rest by their CRDs)', (_, dir) => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    const objects = files
      .flatMap((f) => parseAllDocuments(substituteVariables(readFileSync(join(dir, f), 'utf8'), VARS, f)))
      .map((d) => d.toJS() as KubeObject | null)
      .filter((o): o is KubeObject => typeof o?.kind === 'string'); // dns-settings.yaml is config, not an object
    for (const o of objects) expect(validate(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Gateway', 'HTTPRoute', 'Service', 'DNSEndpoint'])
      expect(kinds.has(kind), kind).toBe(true);
  });

  it('validates against the official CRDs (the vendored copy equals ../shared/crds when present)', () => {
    const reference = join(ROOT, '..', 'shared', 'crds');
    const files = readdirSync(CRDS).filter((f) => f.endsWith('.yaml'));
    expect(files).toHaveLength(9);
    if (!existsSync(reference)) return;
    expect(files).toEqual(readdirSync(reference).filter((f) => f.endsWith('.yaml')));
    for (const f of files)
      expect(readFileSync(join(CRDS, f)).equals(readFileSync(join(reference, f))), f).toBe(true);
  });

  it("bentopdf's SecurityPolicy sends and passes on exactly what Horizon auth's contract lists", () => {
    const ext = (
      find('SecurityPolicy', 'bentopdf').spec as {
        extAuth: { failOpen: boolean; headersToExtAuth: string[]; http: { headersToBackend: string[] } };
      }
    ).extAuth;
    expect(new Set(ext.headersToExtAuth)).toEqual(
      new Set([...HEADERS_TO_EXT_AUTH.needed, ...HEADERS_TO_EXT_AUTH.useful]),
    );
    expect(new Set(ext.http.headersToBackend)).toEqual(new Set(HEADERS_TO_BACKEND_WITH_FEATURES));
    expect(ext.failOpen).toBe(false);
  });

  it('covers every route of the internal Gateway with one SecurityPolicy, its client address as Horizon reads it', () => {
    const gateways = loadYaml(join(ROOT, 'deploy', 'examples', 'gateways.yaml'));
    const policy = find('SecurityPolicy', 'horizon-auth-internal');
    const spec = policy.spec as {
      targetRefs: { kind: string; name: string }[];
      extAuth: { failOpen: boolean; headersToExtAuth: string[]; http: { headersToBackend: string[] } };
    };
    const target = spec.targetRefs[0];
    expect(target?.kind).toBe('Gateway');
    const gateway = gateways.find((g) => g.kind === 'Gateway' && g.metadata.name === target?.name);
    expect(gateway?.metadata.namespace).toBe(policy.metadata.namespace); // a policy targets its own namespace
    expect(new Set(spec.extAuth.headersToExtAuth)).toEqual(
      new Set([...HEADERS_TO_EXT_AUTH.needed, ...HEADERS_TO_EXT_AUTH.useful]),
    );
    expect(new Set(spec.extAuth.http.headersToBackend)).toEqual(new Set(HEADERS_TO_BACKEND_WITH_FEATURES));
    expect(spec.extAuth.failOpen).toBe(false);
    const grant = find('ReferenceGrant', 'horizon-authproxy');
    expect((grant.spec as { from: unknown[] }).from).toContainEqual({
      group: 'gateway.envoyproxy.io',
      kind: 'SecurityPolicy',
      namespace: policy.metadata.namespace,
    });
    const traffic = find('ClientTrafficPolicy', 'horizon-client-address');
    expect((traffic.spec as { targetRefs: unknown[] }).targetRefs).toEqual(spec.targetRefs);
    const hops = (traffic.spec as { clientIPDetection: { xForwardedFor: { numTrustedHops: number } } })
      .clientIPDetection.xForwardedFor.numTrustedHops;
    const config = parse(
      String((find('ConfigMap', 'horizon-authproxy').data as Record<string, string>)['config.yaml']),
    );
    expect(config.clientAddress.trustedHops).toBe(hops); // the same count, or a client could name its address
    expect(config.defaultPolicy).toBe('authenticated');
    const typo = structuredClone(traffic);
    (
      typo.spec as { clientIPDetection: { xForwardedFor: Record<string, unknown> } }
    ).clientIPDetection.xForwardedFor = { numTrustedHop: 1 };
    expect(validate(typo)).toContain('/spec/clientIPDetection/xForwardedFor/numTrustedHop: unknown field');
  });

  it("ships the dashboard as a ConfigMap Grafana's sidecar picks up, under a name that does not change", () => {
    const cm = find('ConfigMap', 'horizon-dashboard');
    expect(cm.metadata.name).toBe('horizon-dashboard'); // no hash suffix: a dashboard is not rolled out
    expect(cm.metadata.labels?.grafana_dashboard).toBe('1');
    expect(JSON.parse(String((cm.data as Record<string, string>)['dashboard.json'])).uid).toBe('horizon');
    expect(find('PrometheusRule', 'horizon').metadata.namespace).toBe('observability');
  });

  it('catches a mistake (the validators can fail)', () => {
    const d = structuredClone(find('Deployment', 'horizon-dns') as KubeObject);
    (d.spec as Record<string, unknown>).replica = 2;
    expect(validate(d)).toEqual(['/spec/replica: unknown field of V1DeploymentSpec']);
    const p = structuredClone(find('SecurityPolicy', 'bentopdf') as KubeObject);
    (p.spec as { extAuth: Record<string, unknown> }).extAuth.headersToExtauth = ['cookie'];
    (p.spec as { extAuth: Record<string, unknown> }).extAuth.failOpen = 'no';
    const errors = validate(p);
    expect(errors).toContain('/spec/extAuth/headersToExtauth: unknown field');
    expect(errors.some((e) => e.startsWith('/spec/extAuth/failOpen'))).toBe(true);
    const endpoint = {
      apiVersion: 'externaldns.k8s.io/v1alpha1',
      kind: 'DNSEndpoint',
      metadata: { name: 'x' },
      spec: { endpoints: [{ dnsName: 'a.example.com', recordTtl: 60, targets: 'b' }] },
    } as unknown as KubeObject;
    expect(validate(endpoint)).toEqual(
      expect.arrayContaining([
        '/spec/endpoints/0/targets must be array',
        '/spec/endpoints/0/recordTtl: unknown field',
      ]),
    );
  });
});
