import type { PolicyRefusal } from '../policy/table.ts';
import type { ReadRefusal } from '../request/read.ts';
import { htmlPage, type Reply } from './reply.ts';

type Refusal = ReadRefusal | PolicyRefusal['refused'] | 'missing-headers' | 'route-policy';

const UNCLEAR =
  'The address cannot be read one way only (encoded slashes, dot segments, double encoding, fragments and mixed readings are refused).';

/** The page of each refusal: fixed texts, never a value from the request. */
const PAGES: Record<Refusal, [status: number, title: string, text: string]> = {
  'untrusted-proxy': [403, 'Forbidden', 'Forwarded headers from an untrusted address.'],
  'bad-host': [400, 'Bad request', 'The host name is not a plain host name with an optional port.'],
  'bad-method': [400, 'Bad request', 'The request method cannot be read.'],
  'identity-header': [
    400,
    'Bad request',
    'The request carries an identity header (such as X-Auth-Request-User or X-Forwarded-User) that only the gateway may set.',
  ],
  'no-policy-prefix': [
    403,
    'Gateway misconfigured',
    'policyPathPrefix is set, so every SecurityPolicy extAuth needs http.path naming a policy (<policyPathPrefix><name>).',
  ],
  'unknown-policy': [403, 'Gateway misconfigured', 'The gateway names an access policy that does not exist.'],
  'route-policy': [
    403,
    'Route misconfigured',
    "The route's horizon.io/auth-policy names no configured access policy, or comes with other horizon.io/auth-* annotations.",
  ],
  'missing-headers': [
    403,
    'Gateway misconfigured',
    'The gateway did not forward the headers sign-in needs (headersToExtAuth).',
  ],
  'not-origin-form': [400, 'Bad request', 'The path cannot be read.'],
  fragment: [400, 'Bad request', UNCLEAR],
  'bad-character': [400, 'Bad request', UNCLEAR],
  'bad-escape': [400, 'Bad request', UNCLEAR],
  'encoded-slash': [400, 'Bad request', UNCLEAR],
  'double-encoding': [400, 'Bad request', UNCLEAR],
  'dot-segment': [400, 'Bad request', UNCLEAR],
  'ambiguous-path': [400, 'Bad request', UNCLEAR],
};

/** The answer to a check refused before (or without) any session: a request or a gateway that cannot be served. */
export function refusalPage(refused: Refusal): Reply {
  const [status, title, text] = PAGES[refused];
  return htmlPage(status, title, text, refused);
}
