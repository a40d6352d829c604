import { randomBytes } from 'node:crypto';
import { ask, TYPE } from '../dns-query.ts';
import { type Finding, fail, ok, skip, warn } from '../findings.ts';
import { type DoctorInputs, namesOn, publicOnlyNames } from '../inputs.ts';

/** Horizon DNS answers its zone itself (the authoritative bit set). */
export async function checkHorizonDns(i: DoctorInputs): Promise<Finding[]> {
  if (!i.horizon)
    return [skip('horizon-dns', "not checked: give Horizon DNS's address with --dns IP[:PORT]")];
  const at = `${i.horizon.host}:${i.horizon.port}`;
  const soa = await ask(i.horizon, i.zone, TYPE.SOA, i.timeoutMs);
  if (soa.rcode === 'TIMEOUT') {
    return [
      fail(
        'horizon-dns',
        `Horizon DNS at ${at} does not answer.`,
        'Check the horizon-dns Service has its LoadBalancer address (kubectl -n network get svc horizon-dns) and that the pods are ready.',
      ),
    ];
  }
  if (soa.rcode !== 'NOERROR' || !soa.authoritative) {
    return [
      fail(
        'horizon-dns',
        `Horizon DNS at ${at} does not answer for ${i.zone} itself (${soa.rcode}${soa.authoritative ? '' : ', not authoritative'}).`,
        `Add ${i.zone} to the DNS service's zones (HORIZON_ZONES).`,
      ),
    ];
  }
  return [ok('horizon-dns', `Horizon DNS at ${at} answers ${i.zone} itself.`)];
}

const routerFix = (zone: string, horizon: string) =>
  `On the UDM, forward ${zone} to Horizon DNS (${horizon}): Settings > Routing > DNS, a Forward Domain entry; then delete any A record for the name (left by external-dns-unifi or by hand), which would shadow the forward.`;

/**
 * Every name of the internal Gateway resolves through the router to what Horizon answers: no
 * stale router record shadows it, the zone is forwarded, and no forward sends it round in a loop.
 */
export async function checkRouterForwards(i: DoctorInputs): Promise<Finding[]> {
  if (!i.router || !i.horizon) return [skip('router-forward', 'not checked: give --router and --dns')];
  const horizon = `${i.horizon.host}:${i.horizon.port}`;
  // A name no route has: Horizon answers it itself; through the router it must come out the same.
  const probe = `horizon-doctor-${randomBytes(4).toString('hex')}.${i.zone}`;
  const out: Finding[] = [];
  for (const name of [...namesOn(i.snapshot, i.gateway, i.zone), probe]) {
    const [direct, viaRouter] = await Promise.all([
      ask(i.horizon, name, TYPE.A, i.timeoutMs),
      ask(i.router, name, TYPE.A, i.timeoutMs),
    ]);
    const subject = name === probe ? `${name} (a name no route has)` : name;
    if (broken(direct)) {
      // Not the router's doing: Horizon itself cannot answer (only zone misses go anywhere).
      out.push(
        warn(
          'router-forward',
          `Horizon itself answers ${name} ${direct.rcode}: its zone-miss resolvers (zoneMiss.upstreams) do not answer.`,
          'Point zoneMiss.upstreams at public resolvers Horizon can reach, or set zoneMiss.mode to nxdomain.',
          subject,
        ),
      );
    } else if (broken(viaRouter)) {
      out.push(
        fail(
          'router-forward',
          `The router cannot resolve ${name} (${viaRouter.rcode}) while Horizon answers it (${direct.rcode}): the zone is not forwarded to Horizon, or it goes round in a loop (the router forwarding it to itself, or Horizon's zone-miss resolvers sending it back to the router).`,
          `${routerFix(i.zone, horizon)} Horizon's zoneMiss.upstreams must be public resolvers, never the router.`,
          subject,
        ),
      );
    } else if (viaRouter.rcode !== direct.rcode || viaRouter.addresses.join() !== direct.addresses.join()) {
      out.push(
        fail(
          'router-forward',
          `The router answers ${name} with ${describe(viaRouter)}; Horizon answers ${describe(direct)}: the router answers it from something else (a stale record) instead of forwarding the zone.`,
          routerFix(i.zone, horizon),
          subject,
        ),
      );
    } else
      out.push(
        ok('router-forward', `${name}: the router gives Horizon's answer (${describe(direct)}).`, subject),
      );
  }
  return out;
}

/** Names only the external Gateway carries resolve for LAN clients too (the public path). */
export async function checkPublicNames(i: DoctorInputs): Promise<Finding[]> {
  if (!i.router) return [skip('public-names', 'not checked: give --router')];
  const out: Finding[] = [];
  for (const name of publicOnlyNames(i)) {
    const answer = await ask(i.router, name, TYPE.A, i.timeoutMs);
    if (answer.addresses.length > 0)
      out.push(ok('public-names', `${name} resolves publicly (${describe(answer)}).`, name));
    else {
      out.push(
        warn(
          'public-names',
          `${name} has no internal route and does not resolve through the router (${answer.rcode}): LAN clients cannot reach it.`,
          `Give it a public record (external-dns with the external Gateway), or attach its route to the internal Gateway too.`,
          name,
        ),
      );
    }
  }
  return out;
}

const broken = (a: { rcode: string }) => a.rcode === 'TIMEOUT' || a.rcode === 'SERVFAIL';

function describe(a: { rcode: string; addresses: string[] }): string {
  return a.addresses.length > 0 ? a.addresses.join(', ') : a.rcode;
}
