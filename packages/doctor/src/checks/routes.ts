import { gatewayRefsOf, keyOf } from '@horizon/shared';
import { type Finding, fail, ok, skip } from '../findings.ts';
import { type DoctorInputs, internalGateway, routesOn } from '../inputs.ts';

/**
 * Every HTTPRoute on the internal Gateway is Accepted by the Gateway controller (Horizon serves
 * accepted routes only) and names a host (a route without one, on a listener without one, has no
 * name to serve).
 */
export function checkRoutes(i: DoctorInputs): Finding[] {
  const gateway = internalGateway(i);
  if (!gateway) {
    return [
      fail(
        'routes-accepted',
        `There is no Gateway ${i.gateway}.`,
        'Name the internal Gateway with --gateway NAMESPACE/NAME (the one LAN clients reach).',
      ),
    ];
  }
  const routes = routesOn(i.snapshot, i.gateway);
  if (routes.length === 0) return [skip('routes-accepted', `no HTTPRoute is attached to ${i.gateway}`)];
  const listenerHosts = gateway.spec.listeners.map((l) => l.hostname).filter(Boolean);
  const out: Finding[] = [];
  for (const route of routes) {
    const subject = `HTTPRoute ${keyOf(route)}`;
    if ((route.spec.hostnames ?? []).length === 0 && listenerHosts.length === 0) {
      out.push(
        fail(
          'routes-accepted',
          `${subject} names no hostname, and ${i.gateway}'s listeners none either: it has no name to serve.`,
          'Add spec.hostnames to the route.',
          subject,
        ),
      );
      continue;
    }
    if (i.fromManifests) continue; // no status in manifests: nothing to read
    const ref = gatewayRefsOf(route).find((r) => r.gateway === i.gateway);
    const parent = (route.status?.parents ?? []).find((p) => {
      const ns = p.parentRef.namespace ?? route.metadata.namespace ?? 'default';
      return `${ns}/${p.parentRef.name}` === ref?.gateway;
    });
    const accepted = parent?.conditions?.find((c) => c.type === 'Accepted');
    if (accepted?.status === 'True') {
      out.push(ok('routes-accepted', `${subject} is Accepted by ${i.gateway}.`, subject));
    } else {
      const why = accepted
        ? `${accepted.reason ?? 'not accepted'}: ${accepted.message ?? ''}`.trim()
        : 'no status from the controller yet';
      out.push(
        fail(
          'routes-accepted',
          `${subject} is not Accepted by ${i.gateway} (${why}), so Horizon does not serve its names.`,
          `kubectl -n ${route.metadata.namespace} describe httproute ${route.metadata.name}: fix what its Accepted condition says (a wrong parentRef, a listener's allowedRoutes, a hostname no listener takes).`,
          subject,
        ),
      );
    }
  }
  if (i.fromManifests)
    out.push(
      skip('routes-accepted', 'acceptance not checked: manifests carry no status (give --kubeconfig)'),
    );
  return out;
}
