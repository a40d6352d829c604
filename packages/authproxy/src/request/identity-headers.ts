import type { AuthConfig } from '../config.ts';

/**
 * Identity headers that apps behind an auth proxy are told to trust, besides the ones this
 * service sets: oauth2-proxy's (`X-Auth-Request-*`, and `X-Forwarded-*` with pass_user_headers),
 * Authelia's and Apache's (`Remote-*`), Grafana's auth proxy default (`X-WEBAUTH-USER`),
 * authentik's, Tailscale Serve's and Pomerium's. An app set up for any of them must never
 * receive one from a client, so every front removes them all (configured names add to this).
 */
export const KNOWN_IDENTITY_HEADERS: readonly string[] = [
  'x-auth-request-user',
  'x-auth-request-subject',
  'x-auth-request-email',
  'x-auth-request-groups',
  'x-auth-request-name',
  'x-auth-request-preferred-username',
  'x-auth-request-access-token',
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-groups',
  'x-forwarded-preferred-username',
  'x-forwarded-access-token',
  'remote-user',
  'remote-email',
  'remote-name',
  'remote-groups',
  'x-remote-user',
  'x-webauth-user',
  'x-webauth-email',
  'x-authentik-username',
  'x-authentik-email',
  'x-authentik-groups',
  'x-authentik-name',
  'x-authentik-uid',
  'tailscale-user-login',
  'tailscale-user-name',
  'x-pomerium-jwt-assertion',
];

/** The identity headers of the service: the configured names, lower-cased once at start. */
export interface IdentityHeaders {
  user: string;
  subject: string;
  email: string;
  groups: string;
  name: string;
  /** How the request passed (session, app-password, bearer, network, public). */
  access: string;
  /** '' when the identity JWT is off. */
  jwt: string;
  /** The names an allow answer sets. */
  set: readonly string[];
  /**
   * What an allow answer removes when it does not set it: every identity name, and the `_` form
   * of the configured ones (CGI, WSGI, PHP and Rack read `X_Auth_Request_User` as
   * `X-Auth-Request-User`). Envoy Gateway refuses `_` names by default, which covers the other
   * `_` forms and the mixed ones no list could name; the answer stays short (it is on every request).
   */
  remove: readonly string[];
  /**
   * The first header of a request (names as Node gives them, lower-cased) that is an identity
   * header in any spelling (`_` for `-`, mixed too), or undefined. Forward-auth proxies copy
   * every client header into the check, so the service sees a spoofed one and refuses it.
   */
  spoofed(headers: Readonly<Record<string, unknown>>): string | undefined;
}

export function identityHeaders(headers: AuthConfig['headers']): IdentityHeaders {
  const lower = {
    user: headers.user.toLowerCase(),
    subject: headers.subject.toLowerCase(),
    email: headers.email.toLowerCase(),
    groups: headers.groups.toLowerCase(),
    name: headers.name.toLowerCase(),
    access: headers.access.toLowerCase(),
    jwt: headers.jwt.toLowerCase(),
  };
  const set = Object.values(lower).filter((n) => n !== '');
  const all = [
    ...new Set([...set, ...KNOWN_IDENTITY_HEADERS, ...headers.remove.map((n) => n.toLowerCase())]),
  ];
  const known = new Set([...all, ...all.map((n) => n.replaceAll('-', '_'))]);
  return {
    ...lower,
    set,
    remove: [...all, ...set.map((n) => n.replaceAll('-', '_'))],
    spoofed(headers) {
      // On every check: a set lookup per header, a rewrite only for names with `_`.
      for (const name in headers)
        if (known.has(name) || (name.includes('_') && known.has(name.replaceAll('_', '-')))) return name;
      return undefined;
    },
  };
}
