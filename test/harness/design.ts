import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { substituteVariables } from '@horizon/shared';
import { parseAllDocuments } from 'yaml';
import { accepted } from './objects.ts';

const ROOT = join(import.meta.dirname, '..', '..');
type Doc = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };

function load(file: string, zone: string): Doc[] {
  const text = substituteVariables(readFileSync(file, 'utf8'), { SECRET_DOMAIN: zone }, file);
  return parseAllDocuments(text).map((d) => d.toJS() as Doc);
}

/**
 * The design's objects (deploy/examples/) as the API would hold them once Envoy Gateway has
 * accepted them, under `zone`, with loopback stand-ins for the Gateways' addresses.
 */
export function designObjects(zone: string, addresses: { internal: string; external: string }) {
  const dir = join(ROOT, 'deploy', 'examples');
  const docs = readdirSync(dir).flatMap((f) => load(join(dir, f), zone));
  const gateways = docs
    .filter((d) => d.kind === 'Gateway')
    .map((g) => {
      const address = g.metadata.name === 'internal' ? addresses.internal : addresses.external;
      return {
        ...g,
        spec: { ...g.spec, addresses: [{ type: 'IPAddress', value: address }] },
        status: { addresses: [{ type: 'IPAddress', value: address }] },
      };
    });
  const routes = docs.filter((d) => d.kind === 'HTTPRoute').map(accepted);
  return { gateways, routes };
}

/** The design's SecurityPolicy for bentopdf, as deploy/kubernetes/ applies it. */
export function designSecurityPolicy(zone: string): Doc {
  const file = join(ROOT, 'deploy', 'kubernetes', 'apps', 'home', 'bentopdf', 'app', 'securitypolicy.yaml');
  const [policy] = load(file, zone);
  if (!policy) throw new Error(`${file}: no SecurityPolicy`);
  return policy;
}
