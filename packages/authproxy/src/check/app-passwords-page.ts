import type { AppPasswordRecords, Scope } from '../app-passwords/records.ts';
import { newAppPassword } from '../app-passwords/token.ts';
import type { AuthConfig } from '../config.ts';
import { authorize, type Policy } from '../policy/policies.ts';
import {
  confirmPage,
  createdPage,
  EXPIRY_DAYS,
  listPage,
  messagePage,
  type PageView,
  scopeLabel,
} from '../reply/app-passwords-page.ts';
import { htmlPage, type Reply, redirect } from '../reply/reply.ts';
import { originOf, urlOf } from '../request/read.ts';
import type { Invalidation } from '../session/invalidation.ts';
import type { Session } from '../session/types.ts';
import { csrfMatches, csrfToken } from './csrf.ts';
import { endSession, postLogoutTarget, type SignOutDeps } from './sign-out.ts';
import type { CheckContext, Next, Step } from './step.ts';

export interface AppPasswordsPageDeps extends SignOutDeps {
  config: Pick<AuthConfig, 'oidc' | 'appPasswords'>;
  /** Undefined with the cookie store: app passwords live in Redis. */
  passwords: { records: AppPasswordRecords; invalidation: Invalidation } | undefined;
  /** The end of the chain: a request without a session there is sent to sign in (and back here). */
  login: Next;
}

const CSRF = 'app-passwords';
/** What a name may be: 1-64 characters, none of them a control character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const NAME = /^[^\u0000-\u001f\u007f]{1,64}$/;

/** The scopes a new password may have here: this host, and its policy when it has a name of its own. */
function scopesOf(c: CheckContext, session: Session): { value: string; label: string }[] {
  const p: Policy = c.policy;
  if (!p.appPasswords || !authorize(p, session)) return [];
  const out = [{ value: `host:${c.req.hostname}`, label: scopeLabel({ host: c.req.hostname }) }];
  if (p.source === 'config' || !p.name.startsWith('route:'))
    out.push({ value: `policy:${p.name}`, label: scopeLabel({ policy: p.name }) });
  return out;
}

const scopeOf = (value: string): Scope =>
  value.startsWith('host:') ? { host: value.slice(5) } : { policy: value.slice(7) };

/**
 * `appPasswords.path` on every protected host: a signed-in user lists their app passwords (name,
 * where, made, last used, expiry), makes one (a GET form shows what it will be; only the POST its
 * button sends makes it, shown once), revokes one, or signs out everywhere. Without a session a
 * page load signs in first and comes back. Every change is a POST carrying a token bound to the
 * session in its action's query (the fronts send the check no body).
 */
export function createAppPasswordsPageStep(deps: AppPasswordsPageDeps): Step {
  const { appPasswords } = deps.config;

  const viewOf = (c: CheckContext, session: Session): PageView => {
    const scopes = scopesOf(c, session);
    return {
      path: appPasswords.path,
      user: session.user,
      hostname: c.req.hostname,
      origin: originOf(c.req),
      token: csrfToken(deps.sealer, CSRF, session),
      scopes,
      noScopes: c.policy.appPasswords
        ? `${session.user} may not use the app here, so no app password can be made for it.`
        : "This app's access policy takes no app passwords; open this page on an app whose policy does.",
      everywhere: deps.passwords !== undefined,
    };
  };

  const draftOf = (v: PageView, params: URLSearchParams) => {
    const name = (params.get('name') ?? '').trim();
    const scope = params.get('scope') ?? '';
    const days = Number(params.get('days') ?? '0');
    const known = v.scopes.find((s) => s.value === scope);
    if (!NAME.test(name) || !known || !(EXPIRY_DAYS as readonly number[]).includes(days)) return undefined;
    return { name, scope, days, label: known.label };
  };

  const create = async (
    c: CheckContext,
    session: Session,
    v: PageView,
    params: URLSearchParams,
  ): Promise<Reply> => {
    const draft = draftOf(v, params);
    if (!draft || !deps.passwords)
      return messagePage(
        v,
        'Not made',
        'The name, the app or the expiry is not one this page offers.',
        'app-passwords-invalid',
      );
    const { id, password, hash } = newAppPassword();
    const made = await deps.passwords.records.create(
      {
        id,
        sub: session.sub,
        user: session.user,
        name: draft.name,
        scope: scopeOf(draft.scope),
        createdAt: c.at,
        ...(draft.days > 0 ? { expiresAt: c.at + draft.days * 86400 } : {}),
        hash,
      },
      appPasswords.maxPerUser,
    );
    if (!made)
      return messagePage(
        v,
        'Not made',
        `You have ${appPasswords.maxPerUser} app passwords, the most one may have: revoke one first.`,
        'app-passwords-full',
      );
    return createdPage(v, draft.name, password);
  };

  const post = async (c: CheckContext, session: Session, params: URLSearchParams): Promise<Reply> => {
    const v = viewOf(c, session);
    const op = params.get('op');
    if (!csrfMatches(deps.sealer, CSRF, params.get('token'), session))
      return messagePage(
        v,
        'Not done',
        'This form is out of date (you signed in again since): start from the page.',
        'app-passwords-csrf',
      );
    const passwords = deps.passwords;
    if (op === 'create') return create(c, session, v, params);
    if (op === 'revoke' && passwords) {
      const id = params.get('id') ?? '';
      if (await passwords.records.revoke(session.sub, id))
        await passwords.invalidation.publish({ kind: 'app-password', id });
      return redirect(`${originOf(c.req)}${appPasswords.path}`, [], 'app-passwords-revoked');
    }
    if (op === 'sign-out-everywhere' && passwords) {
      await passwords.records.revokeAll(session.sub);
      await deps.store.revokeUser?.(session.sub);
      return endSession(deps, session, postLogoutTarget(deps, c.req));
    }
    return messagePage(v, 'Not done', 'This page does not know that.', 'app-passwords-unknown');
  };

  const get = async (c: CheckContext, session: Session, params: URLSearchParams): Promise<Reply> => {
    const v = viewOf(c, session);
    if (params.get('op') === 'new') {
      const draft = draftOf(v, params);
      return draft
        ? confirmPage(v, draft, draft.label)
        : messagePage(
            v,
            'Not made',
            'The name, the app or the expiry is not one this page offers.',
            'app-passwords-invalid',
          );
    }
    return listPage(v, deps.passwords ? await deps.passwords.records.list(session.sub) : []);
  };

  return (c, next) => {
    if (c.req.path !== appPasswords.path) return next(c);
    const session = c.session;
    if (!session) return deps.login(c);
    if (!deps.passwords)
      return htmlPage(
        403,
        'App passwords',
        'App passwords need the Redis session store (session.store: redis).',
        'app-passwords-unavailable',
      );
    const params = urlOf(c.req).searchParams;
    if (c.req.method === 'POST') return post(c, session, params);
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return get(c, session, params);
    return htmlPage(405, 'App passwords', 'Open this page in a browser.', 'app-passwords-method', {
      allow: 'GET, POST',
    });
  };
}
