import type { Received } from './fronts.ts';

/**
 * What the apps behind the fronts may receive, whoever sent what (fronts.test.ts explains the
 * apps): the judge of the security suite and of the fuzzing, so both hold every answer to the
 * same rules.
 */
export interface Case {
  /** Whose session the request carries (its cookie). */
  user?: 'eve' | 'bob' | 'alice';
  /** Whose app password the request carries (in Authorization, which the case's headers hold). */
  passwordOf?: 'eve' | 'bob' | 'alice';
  /** Host the user's session was issued on. Default: the request's host. */
  sessionHost?: string;
  host: string;
  target: string;
  method?: string;
  headers?: [string, string][];
  /** The loopback address the client sends from (127.0.1.x plays the LAN). */
  from?: string;
}

/** The lan policy's client networks: 127.0.1.0/24 passes without a login, but for 127.0.1.128/25. */
const inLan = (address: string | undefined): boolean => {
  const m = /^127\.0\.1\.(\d+)$/.exec(address ?? '');
  return m !== null && Number(m[1]) < 128;
};

const PUBLIC: Record<string, (path: string) => boolean> = {
  main: (p) => p === '/health' || p === '/static' || p.startsWith('/static/'),
  lenient: (p) => p === '/static' || p.startsWith('/static/'),
};

/** Every way an app behind the proxy might read a path it received. */
export function readingsOf(url: string): Set<string> {
  const out = new Set<string>();
  let p = url.split('?')[0] as string;
  for (let i = 0; i < 4; i++) {
    out.add(p);
    try {
      p = decodeURIComponent(p);
    } catch {
      break;
    }
  }
  for (const r of [...out]) {
    for (const v of [
      r.replaceAll('\\', '/'),
      r.toLowerCase(),
      r.replace(/;[^/]*/g, ''),
      r.split('#')[0] as string,
    ]) {
      out.add(v);
      out.add(v.replace(/\/{2,}/g, '/'));
      if (URL.canParse(v, 'http://x')) out.add(new URL(v, 'http://x').pathname);
    }
  }
  return out;
}

export const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v);

export function violations(received: Received[], cases: Map<string, Case>): string[] {
  const out: string[] = [];
  for (const r of received) {
    const c = cases.get(one(r.headers['x-case']) ?? '');
    const id = one(r.headers['x-auth-request-user']) || undefined;
    const access = one(r.headers['x-auth-request-access']);
    const why: string[] = [];
    if (!c) why.push('a request no case sent');
    else {
      const sender = c.user ?? c.passwordOf;
      if (id !== undefined && id !== sender) why.push(`identity ${id}, sent by ${sender ?? 'anonymous'}`);
      if (r.app === 'lan' && id !== 'alice' && !(id === undefined && access === 'network' && inLan(c.from)))
        why.push(`the lan app reached by ${id ?? 'anonymous'} (${access}) from ${c.from ?? '127.0.0.1'}`);
      if (r.app === 'files' && id !== 'bob' && id !== 'alice')
        why.push('the files app reached without family');
      if (access === 'network' && id !== undefined) why.push('a network pass with an identity');
      const isPublic = PUBLIC[r.app];
      if (r.app === 'nopolicy') why.push('the no-policy app was reached');
      if (r.app === 'admin' && id !== 'alice') why.push('the admin app reached without admins');
      const preflight = r.app === 'main' && r.method === 'OPTIONS'; // the pdf policy's public method
      if (
        (r.app === 'main' && id !== 'bob' && id !== 'alice' && !preflight) ||
        (r.app === 'lenient' && id === undefined)
      ) {
        const readings = [...readingsOf(r.url)];
        if (!isPublic || !readings.every(isPublic))
          why.push(`no session, and ${readings.find((x) => !isPublic?.(x))} is not public`);
      }
      for (const [name, value] of c.headers ?? [])
        if (
          name.toLowerCase() !== 'cookie' &&
          name.toLowerCase() !== 'x-case' &&
          r.headers[name.toLowerCase()] === value
        )
          why.push(`the client's ${name} reached the app`);
    }
    if (/(^|;\s*)horizon(-flow-[^=]*)?=/.test(one(r.headers.cookie) ?? ''))
      why.push('a Horizon cookie reached the app');
    if (why.length > 0) out.push(`${r.app} got ${r.method} ${r.url}: ${why.join('; ')}`);
  }
  return out;
}
