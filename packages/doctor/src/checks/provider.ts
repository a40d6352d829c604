import { createHash, randomBytes } from 'node:crypto';
import { keyOf } from '@horizon/shared';
import { type Finding, fail, ok, skip } from '../findings.ts';
import { type DoctorInputs, routesOn } from '../inputs.ts';

interface Discovery {
  issuer?: string;
  authorization_endpoint?: string;
}

/** The provider's discovery answers, and names the issuer Horizon auth is configured with. */
export async function checkProvider(
  i: DoctorInputs,
): Promise<{ findings: Finding[]; discovery?: Discovery }> {
  if (!i.issuer) return { findings: [skip('provider', 'not checked: give the provider with --issuer URL')] };
  const url = `${i.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let discovery: Discovery;
  try {
    const res = await i.fetch(url, { signal: AbortSignal.timeout(i.timeoutMs), redirect: 'manual' });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    discovery = (await res.json()) as Discovery;
  } catch (err) {
    return {
      findings: [
        fail(
          'provider',
          `The provider's discovery (${url}) does not answer: ${(err as Error).message}.`,
          "Check the issuer URL (Pocket-ID's APP_URL) and that Horizon auth can reach it.",
        ),
      ],
    };
  }
  if (discovery.issuer !== i.issuer) {
    return {
      findings: [
        fail(
          'provider',
          `The provider says its issuer is "${discovery.issuer}", not "${i.issuer}": every sign-in would fail the ID token's issuer check.`,
          `Set Horizon auth's oidc.issuer to exactly "${discovery.issuer}" (or Pocket-ID's APP_URL to "${i.issuer}").`,
        ),
      ],
      discovery,
    };
  }
  return { findings: [ok('provider', `The provider answers, and its issuer is ${i.issuer}.`)], discovery };
}

/** Hosts behind a SecurityPolicy that asks Horizon auth: its target routes' names, or its Gateway's. */
export function protectedHosts(i: DoctorInputs): string[] {
  const hosts = new Set<string>();
  for (const policy of i.snapshot.securityPolicies) {
    const ext = policy.spec.extAuth as { http?: { backendRefs?: { name?: string }[] } } | undefined;
    if (!ext?.http?.backendRefs?.some((r) => r.name === i.authService)) continue;
    for (const target of policy.spec.targetRefs ?? []) {
      const ns = policy.metadata.namespace;
      const routes =
        target.kind === 'Gateway'
          ? routesOn(i.snapshot, `${ns}/${target.name}`)
          : i.snapshot.httpRoutes.filter((r) => keyOf(r) === `${ns}/${target.name}`);
      for (const r of routes)
        for (const h of r.spec.hostnames ?? []) if (!h.startsWith('*.')) hosts.add(h.toLowerCase());
    }
  }
  return [...hosts].sort();
}

/**
 * Each protected host's callback is registered at the provider: an authorization request with it
 * is sent to a sign-in (accepted), or refused naming the redirect URI (not registered). A
 * provider whose authorization page is a script (Pocket-ID) cannot tell: the URIs are listed.
 */
export async function checkRedirectUris(
  i: DoctorInputs,
  discovery: Discovery | undefined,
): Promise<Finding[]> {
  const hosts = protectedHosts(i);
  if (hosts.length === 0) return [];
  const uris = hosts.map((h) => `https://${h}${i.callbackPath}`);
  if (!discovery?.authorization_endpoint || !i.clientId) {
    return [
      skip(
        'redirect-uris',
        `not checked (give --issuer and --client-id); register these in the provider's client: ${uris.join(', ')}`,
      ),
    ];
  }
  const out: Finding[] = [];
  for (const uri of uris) {
    const probe = new URL(discovery.authorization_endpoint);
    const verifier = randomBytes(32).toString('base64url');
    probe.search = new URLSearchParams({
      client_id: i.clientId,
      redirect_uri: uri,
      response_type: 'code',
      scope: 'openid',
      state: randomBytes(8).toString('hex'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const res = await i
      .fetch(probe, { redirect: 'manual', signal: AbortSignal.timeout(i.timeoutMs) })
      .catch(() => undefined);
    const body = res && res.status >= 400 ? await res.text() : '';
    if (
      res &&
      res.status >= 300 &&
      res.status < 400 &&
      !(res.headers.get('location') ?? '').startsWith(uri)
    ) {
      out.push(ok('redirect-uris', `${uri} is registered (the provider went on to sign-in).`, uri));
    } else if (res && res.status >= 400 && /redirect_uri/i.test(body)) {
      out.push(
        fail(
          'redirect-uris',
          `The provider refuses ${uri} as a redirect URI.`,
          `Register ${uri} in the provider's OIDC client ${i.clientId} (Pocket-ID: OIDC Clients > the client > Callback URLs).`,
          uri,
        ),
      );
    } else if (res && res.status >= 400 && /client/i.test(body)) {
      out.push(
        fail(
          'redirect-uris',
          `The provider does not know the client ${i.clientId}.`,
          "Check --client-id against Horizon auth's oidc.clientId and the provider's clients.",
          uri,
        ),
      );
    } else {
      out.push(
        skip(
          'redirect-uris',
          `the provider's answer does not say whether ${uri} is registered; make sure it is`,
        ),
      );
    }
  }
  return out;
}
