import { createMetricsRegistry } from '@horizon/shared';
import type { CheckDeps } from '../../src/check/check.ts';
import { createGrants, type Grants } from '../../src/check/granted.ts';
import type { CheckContext, Next } from '../../src/check/step.ts';
import type { AuthConfig } from '../../src/config.ts';
import { type CookieWriter, createCookieWriter } from '../../src/login/cookies.ts';
import { ANY_SIGNED_IN } from '../../src/policy/policies.ts';
import { createPolicyTable } from '../../src/policy/table.ts';
import type { AppCredentials } from '../../src/reply/app-credentials.ts';
import type { Reply } from '../../src/reply/reply.ts';
import { identityHeaders } from '../../src/request/identity-headers.ts';
import type { CheckRequest } from '../../src/request/read.ts';
import { createSealer } from '../../src/session/seal.ts';
import { authConfig } from '../auth-config.ts';
import { capture, memoryStore, NOW, unreachableProvider } from '../fixtures.ts';

// What the step tests share: a check request, the context the policy step makes, the rest of the chain.

/** A check as request/read.ts makes it: a plain Envoy GET of https://pdf.localhost/x. */
export const checkRequest = (over: Partial<CheckRequest> = {}): CheckRequest => ({
  via: 'envoy',
  method: 'GET',
  host: 'pdf.localhost',
  hostname: 'pdf.localhost',
  target: '/x',
  path: '/x',
  spellings: [],
  policyName: undefined,
  scheme: 'https',
  cookies: {},
  cookieHeader: undefined,
  authorization: undefined,
  navigation: false,
  fetchSite: undefined,
  authRequest: false,
  bare: false,
  client: undefined,
  ...over,
});

/** The context the policy step makes, for the steps after it. */
export const context = (over: Partial<CheckContext> = {}): CheckContext => ({
  req: checkRequest(),
  policy: ANY_SIGNED_IN,
  isPublic: false,
  at: NOW,
  session: undefined,
  ...over,
});

/** What "not mine" leads to in a step test: the rest of the chain, answering this. */
export const NEXT: Reply = Object.freeze({ status: 299, headers: {}, body: '', reason: 'next' });

/** The rest of the chain: answers NEXT and keeps the context it was handed. */
export function rest(): Next & { seen: CheckContext[] } {
  const seen: CheckContext[] = [];
  return Object.assign(
    (c: CheckContext) => {
      seen.push(c);
      return NEXT;
    },
    { seen },
  );
}

/** Everything createCheck needs, over the test config, a memory store and an unreachable provider. */
export function checkDeps(over: Partial<CheckDeps> = {}, overrides: Record<string, unknown> = {}): CheckDeps {
  const config = authConfig(overrides);
  return {
    config,
    provider: unreachableProvider(),
    sealer: createSealer(config.cookie.keys),
    store: memoryStore(),
    cookies: createCookieWriter(config.cookie, config.flow.ttlSeconds),
    policies: createPolicyTable(config),
    bearer: undefined,
    signer: undefined,
    credentials: NO_CREDENTIALS,
    tokens: undefined,
    appPasswords: undefined,
    registry: createMetricsRegistry('authproxy'),
    logger: capture().logger,
    now: () => NOW,
    ...over,
  };
}

/** The allow answers for a config (no identity JWT), and the cookie writer they use. */
export function grantsOf(config: AuthConfig): { grants: Grants; cookies: CookieWriter } {
  const cookies = createCookieWriter(config.cookie, config.flow.ttlSeconds);
  const identity = identityHeaders(config.headers);
  const deps = {
    identity,
    cookies,
    signer: undefined,
    now: () => NOW,
    credentials: NO_CREDENTIALS,
    tokens: undefined,
  };
  return { grants: createGrants(deps), cookies };
}

/** No app has credentials of its own. */
export const NO_CREDENTIALS: AppCredentials = { of: () => undefined, close: () => undefined };
