import { createLogger, type Logger } from '@horizon/shared';
import type { PolicyConfig } from '../src/config.ts';
import { authError } from '../src/errors.ts';
import type { Provider } from '../src/oidc/provider.ts';
import { compilePolicy, type Policy, policyConfig } from '../src/policy/policies.ts';
import type { Session, SessionStore } from '../src/session/types.ts';

// Values and fakes the unit tests share (the servers and stacks are in helpers.ts).

/** The check's clock in these tests, seconds. */
export const NOW = 1_800_000_000;

export const session = (over: Partial<Session> = {}): Session => ({
  sid: 'sid-bob',
  sub: 'u-bob',
  user: 'bob',
  groups: ['family'],
  host: 'pdf.localhost',
  createdAt: NOW - 60,
  renewedAt: NOW - 60,
  ...over,
});

/** A configured policy: every list empty unless given. */
export const policy = (name: string, over: Partial<PolicyConfig> = {}): Policy =>
  compilePolicy(policyConfig(name, over), 'config');

/** Log lines as written, parsed. */
export function capture(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    { level: 'info', format: 'json' },
    { service: 'authproxy', destination: { write: (l: string) => void lines.push(JSON.parse(l)) } },
  );
  return { logger, lines };
}

/** A store holding the given sessions by cookie value; `read` answers without a promise. */
export function memoryStore(sessions: Record<string, Session> = {}): SessionStore & { revoked: string[] } {
  const revoked: string[] = [];
  return {
    revoked,
    create: async (s) => `value-of-${s.sid}`,
    read: (value) => sessions[value],
    renew: (s, now) => `renewed-${s.sid}-${now}`,
    revoke: async (s) => void revoked.push(s.sid),
    close: async () => undefined,
  };
}

/** A provider that is never reached: every call says it is unavailable. */
export const unreachableProvider = (): Provider => {
  const down = async (): Promise<never> => {
    throw authError('E_PROVIDER_UNAVAILABLE', 'down (test)');
  };
  return {
    configuration: down,
    discovered: () => false,
    close: () => undefined,
    reachable: async () => false,
    health: { last: () => undefined },
    redeem: down,
    refresh: down,
    userinfo: down,
  };
};
