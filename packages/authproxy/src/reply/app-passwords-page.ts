import type { AppPassword, Scope } from '../app-passwords/records.ts';
import { escapeHtml as e, postForm } from './pages.ts';
import { type Reply, richPage } from './reply.ts';

/**
 * The app-passwords page as a signed-in user sees it on one host. Every answer is a 403: it is
 * the service's own page, and a 2xx is an allow to every front (the request would go to the
 * app). Forms carry what they do in their action's query (`op`, the values, a token bound to the
 * session): Envoy, Caddy and nginx send the check no body.
 */
export interface PageView {
  /** `appPasswords.path`. */
  path: string;
  user: string;
  hostname: string;
  /** `scheme://host` of the app, for the curl example. */
  origin: string;
  /** The token every POST carries (bound to the session). */
  token: string;
  /** Where a new password may work, as `host:x` / `policy:y`, with a label; empty where none may be made. */
  scopes: { value: string; label: string }[];
  /** Why none may be made here, when `scopes` is empty. */
  noScopes: string;
  /** Sign-out everywhere is offered (a server-side store). */
  everywhere: boolean;
}

/** Expiry choices, in days (0: until revoked). */
export const EXPIRY_DAYS = [0, 7, 30, 90, 365] as const;

const when = (seconds: number | undefined, none: string): string =>
  seconds === undefined
    ? none
    : `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
export const scopeLabel = (scope: Scope): string =>
  'host' in scope ? `every app on ${scope.host}` : `every app of the policy ${scope.policy}`;
const action = (v: PageView, params: Record<string, string>) =>
  `${v.path}?${new URLSearchParams({ ...params, token: v.token }).toString()}`;
const page = (title: string, body: string, reason: string): Reply => richPage(403, title, body, reason);
const back = (v: PageView) => `<p><a href="${e(v.path)}">Back to app passwords</a></p>`;

function table(v: PageView, passwords: readonly AppPassword[]): string {
  if (passwords.length === 0) return '<p>You have no app passwords.</p>';
  const rows = passwords.map(
    (p) =>
      `<tr><td>${e(p.name)}</td><td>${e(scopeLabel(p.scope))}</td><td>${e(when(p.createdAt, ''))}</td><td>${e(when(p.lastUsed, 'never'))}</td><td>${e(when(p.expiresAt, 'never'))}</td><td>${postForm({ action: action(v, { op: 'revoke', id: p.id }), button: 'Revoke' }, 'inline')}</td></tr>`,
  );
  return `<table><tr><th>Name</th><th>Works on</th><th>Made</th><th>Last used</th><th>Expires</th><th></th></tr>${rows.join('')}</table>`;
}

function newForm(v: PageView): string {
  if (v.scopes.length === 0) return `<h2>New app password</h2><p>${e(v.noScopes)}</p>`;
  const scopes = v.scopes.map((s) => `<option value="${e(s.value)}">${e(s.label)}</option>`).join('');
  const days = EXPIRY_DAYS.map(
    (d) => `<option value="${d}">${d === 0 ? 'never' : `in ${d} days`}</option>`,
  ).join('');
  return `<h2>New app password</h2><form method="get" action="${e(v.path)}"><input type="hidden" name="op" value="new">
<label>Name (what will use it) <input name="name" required maxlength="64"></label>
<label>Works on <select name="scope">${scopes}</select></label>
<label>Expires <select name="days">${days}</select></label>
<button type="submit">Continue</button></form>`;
}

/** The list, the form for a new one, and sign-out everywhere. */
export function listPage(v: PageView, passwords: readonly AppPassword[]): Reply {
  const everywhere = v.everywhere
    ? `<h2>Sign out everywhere</h2><p>Ends every session of yours, in every browser, and revokes every app password.</p>${postForm({ action: action(v, { op: 'sign-out-everywhere' }), button: 'Sign out everywhere' })}`
    : '';
  const intro = `<p>Signed in as <b>${e(v.user)}</b>. An app password lets a phone app or a script reach apps as you: HTTP Basic with your user name, or <code>Authorization: Bearer</code>. It works only where you made it for, and stops when you revoke it, when your account is disabled, or when you lose the group an app needs.</p>`;
  return page('App passwords', `${intro}${table(v, passwords)}${newForm(v)}${everywhere}`, 'app-passwords');
}

/** What a new password will be, and the button that makes it (a GET shows this; only the POST makes one). */
export function confirmPage(
  v: PageView,
  draft: { name: string; scope: string; days: number },
  label: string,
): Reply {
  const expires = draft.days === 0 ? 'until you revoke it' : `for ${draft.days} days`;
  const form = postForm({
    action: action(v, { op: 'create', name: draft.name, scope: draft.scope, days: String(draft.days) }),
    button: 'Make the app password',
  });
  return page(
    'New app password',
    `<p>“${e(draft.name)}” will work on ${e(label)}, ${e(expires)}.</p>${form}${back(v)}`,
    'app-passwords-confirm',
  );
}

/** The new password, shown this once. */
export function createdPage(v: PageView, name: string, password: string): Reply {
  return page(
    'App password made',
    `<p>The app password “${e(name)}”, shown only now: copy it into the app or script.</p><pre>${e(password)}</pre>
<p>For example:</p><pre>curl -u ${e(v.user)}:${e(password)} ${e(v.origin)}/</pre>${back(v)}`,
    'app-passwords-created',
  );
}

/** A page that says what went wrong, with the way back. */
export function messagePage(v: PageView, title: string, text: string, reason: string): Reply {
  return page(title, `<p>${e(text)}</p>${back(v)}`, reason);
}
