// What the soaked Horizon serves and what the legitimate client asks: 1,000 names on the internal
// Gateway (id.home.example.com among them), and dnsperf's queries.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `dir/manifests/all.yaml` and `dir/queries.txt`. */
export function writeFixtures(dir: string): void {
  const names = Array.from({ length: 1000 }, (_, i) => `app${i}.home.example.com`);
  mkdirSync(join(dir, 'manifests'));
  const gateway = `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: internal, namespace: network }\nspec:\n  gatewayClassName: envoy\n  addresses: [{ value: "10.90.3.202" }]\n  listeners: [{ name: https, port: 443, protocol: HTTPS, allowedRoutes: { namespaces: { from: All } } }]\n`;
  const routes = Array.from({ length: 100 }, (_, r) => {
    const hosts = [...names.slice(r * 10, r * 10 + 10), ...(r === 0 ? ['id.home.example.com'] : [])];
    return `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: r${r}, namespace: home }\nspec:\n  parentRefs: [{ name: internal, namespace: network }]\n  hostnames: [${hosts.map((h) => `"${h}"`).join(', ')}]\n`;
  });
  writeFileSync(join(dir, 'manifests', 'all.yaml'), [gateway, ...routes].join('---\n'));
  // 7 zone names, 2 cache hits, 1 cache miss in every 10 queries.
  const lines = Array.from({ length: 200_000 }, (_, i) =>
    i % 10 < 7
      ? `${names[i % names.length]} A`
      : i % 10 < 9
        ? `c${i % 500}.legit.test A`
        : `u${i}.miss.test A`,
  );
  writeFileSync(join(dir, 'queries.txt'), lines.join('\n'));
}
