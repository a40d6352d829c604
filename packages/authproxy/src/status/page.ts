import { ago, card, type Html, html, lineGraph, page, state, table } from '@horizon/shared';

/** What the auth status page shows; gathered on each page view, never on a check's path. */
export interface AuthStatus {
  policies: {
    name: string;
    source: 'config' | 'route';
    hosts: readonly string[];
    pathPrefix: string;
    who: string;
    publicPaths: readonly string[];
  }[];
  provider: { issuer: string; discovered: boolean; up?: boolean; checkedSecondsAgo?: number };
  /** `sessions`: how many, as the store counts them (`10000+` past its limit); none from cookies. */
  store: { mode: string; up?: boolean; sessions?: string };
  /** The last refusals (deny decisions), newest first: never a token or a cookie. */
  denials: { at: number; host: string; path: string; policy: string; reason: string; client: string }[];
  /** Per-second rates over the last hour, oldest first. */
  history: {
    stepSeconds: number;
    allow: readonly number[];
    redirect: readonly number[];
    deny: readonly number[];
  };
}

function cards(s: AuthStatus): Html {
  const checked = s.provider.checkedSecondsAgo === undefined ? '' : ` (${ago(s.provider.checkedSecondsAgo)})`;
  return html`<div class="cards">${[
    card('policies', String(s.policies.length)),
    card(`provider${checked}`, state(s.provider.up, 'answers', 'does not answer')),
    card(
      `sessions (${s.store.mode})`,
      s.store.mode === 'redis' ? state(s.store.up, 'store up', 'store down') : 'in the cookie',
    ),
    ...(s.store.sessions === undefined ? [] : [card('active sessions', s.store.sessions)]),
  ]}</div>`;
}

/** The page at `/` of Horizon auth's ops port. */
export function renderAuthStatus(s: AuthStatus, now: number): string {
  const graph = lineGraph(
    [
      { name: 'allowed/s', points: s.history.allow, color: '#1a7f37' },
      { name: 'sent to sign in/s', points: s.history.redirect, color: '#0969da' },
      { name: 'refused/s', points: s.history.deny, color: '#cf222e' },
    ],
    { unit: '/s' },
  );
  const policyRows = s.policies.map((p) => [
    p.name,
    p.source === 'config' ? 'config' : "a route's annotation",
    p.hosts.join(', ') || '(named by the gateway)',
    p.pathPrefix,
    p.who,
    p.publicPaths.join(', '),
  ]);
  const body = html`<h1>Horizon auth</h1>
<p class="sub">Provider ${s.provider.issuer}, ${s.provider.discovered ? 'discovered' : 'not discovered yet (sign-ins wait for it)'}; this page refreshes every 30 s.</p>
${cards(s)}
<h2>Checks, the last hour</h2>${graph}
<h2>Policies</h2>
${table(['policy', 'from', 'hosts', 'path', 'who may pass', 'public paths'], policyRows, 'no policies: every check is refused')}
<h2>Last refusals</h2>
${table(
  ['when', 'host', 'path', 'policy', 'why', 'client'],
  s.denials.map((d) => [ago((now - d.at) / 1000), d.host, d.path, d.policy || '(none)', d.reason, d.client]),
  'none since start',
)}`;
  return page('Horizon auth', body, 30);
}
