import { HEADERS_TO_BACKEND_WITH_FEATURES, HEADERS_TO_EXT_AUTH } from '@horizon/authproxy/envoy';
import { keyOf, type SecurityPolicy } from '@horizon/shared';
import { type Finding, fail, ok, skip, warn } from '../findings.ts';
import type { DoctorInputs } from '../inputs.ts';

// Horizon auth's side of the contract, read from the service itself (one home for the lists).
const NEEDED_BY_THE_CHECK: readonly string[] = HEADERS_TO_EXT_AUTH.needed;
const USEFUL_TO_THE_CHECK: readonly string[] = HEADERS_TO_EXT_AUTH.useful;
// The identity and the app's cookies, how the request passed (a session, an app password, the
// LAN without a user), and Authorization (an app's own credentials, the user's IdP token).
const TO_THE_APP: readonly string[] = HEADERS_TO_BACKEND_WITH_FEATURES;

interface ExtAuth {
  failOpen?: boolean;
  headersToExtAuth?: string[];
  http?: { backendRefs?: { name?: string }[]; backendRef?: { name?: string }; headersToBackend?: string[] };
}

const lower = (names: readonly string[] | undefined) => new Set((names ?? []).map((n) => n.toLowerCase()));
const missingFrom = (have: Set<string>, want: readonly string[]) => want.filter((n) => !have.has(n));

/** The SecurityPolicies whose extAuth asks Horizon auth. */
function horizonPolicies(i: DoctorInputs): { policy: SecurityPolicy; ext: ExtAuth }[] {
  return i.snapshot.securityPolicies.flatMap((policy) => {
    const ext = policy.spec.extAuth as ExtAuth | undefined;
    const refs = [...(ext?.http?.backendRefs ?? []), ...(ext?.http?.backendRef ? [ext.http.backendRef] : [])];
    return ext && refs.some((r) => r.name === i.authService) ? [{ policy, ext }] : [];
  });
}

/**
 * Each SecurityPolicy that sends checks to Horizon auth has Envoy send what the check reads
 * (without headersToExtAuth no browser can ever sign in) and pass the identity on to the app.
 */
export function checkSecurityPolicies(i: DoctorInputs): Finding[] {
  const policies = horizonPolicies(i);
  if (policies.length === 0) {
    return [
      skip(
        'security-policies',
        `no SecurityPolicy sends checks to ${i.authService} (none found, or the CRD is not installed)`,
      ),
    ];
  }
  const out: Finding[] = [];
  for (const { policy, ext } of policies) {
    const subject = `SecurityPolicy ${keyOf(policy)}`;
    const toAuth = lower(ext.headersToExtAuth);
    const needed = missingFrom(toAuth, NEEDED_BY_THE_CHECK);
    const toApp = missingFrom(lower(ext.http?.headersToBackend), TO_THE_APP);
    const problems: Finding[] = [];
    if (ext.failOpen === true) {
      problems.push(
        fail(
          'security-policies',
          `${subject} has failOpen: true: when Horizon auth is down, every request gets through without a login.`,
          'Set extAuth.failOpen: false.',
          subject,
        ),
      );
    }
    if (needed.length > 0) {
      const none = (ext.headersToExtAuth ?? []).length === 0;
      problems.push(
        fail(
          'security-policies',
          none
            ? `${subject} has no headersToExtAuth: Envoy sends Horizon auth no cookie, so nobody can sign in (Horizon shows a "misconfigured" page).`
            : `${subject} does not send ${needed.join(', ')} to Horizon auth.`,
          `Add to extAuth.headersToExtAuth: ${[...needed, ...missingFrom(toAuth, USEFUL_TO_THE_CHECK)].join(', ')}.`,
          subject,
        ),
      );
    } else if (missingFrom(toAuth, USEFUL_TO_THE_CHECK).length > 0) {
      problems.push(
        warn(
          'security-policies',
          `${subject} does not send ${missingFrom(toAuth, USEFUL_TO_THE_CHECK).join(', ')} (without x-forwarded-for no client network passes without a login, every client shares one app-password failure budget, and Horizon's logs have no client addresses).`,
          `Add them to extAuth.headersToExtAuth.`,
          subject,
        ),
      );
    }
    if (toApp.length > 0) {
      problems.push(
        warn(
          'security-policies',
          `${subject} does not pass ${toApp.join(', ')} from Horizon's answer to the app${toApp.includes('cookie') ? ' (without cookie, the app also sees the session cookie)' : ''}.`,
          `Add to extAuth.http.headersToBackend: ${toApp.join(', ')}.`,
          subject,
        ),
      );
    }
    out.push(
      ...(problems.length > 0
        ? problems
        : [
            ok(
              'security-policies',
              `${subject} sends what Horizon auth needs and passes the identity on.`,
              subject,
            ),
          ]),
    );
  }
  return out;
}
