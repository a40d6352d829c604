import type { Reply } from '../reply/reply.ts';

/**
 * nginx's auth_request passes only 2xx, 401 and 403: any other answer there is a bare 401, and the
 * recipe's `error_page` replays the request as a plain check, which answers for real.
 */
export const AUTH_REQUEST_DENIAL: Reply = Object.freeze({
  status: 401,
  headers: {},
  body: '',
  reason: 'auth-request',
});

/**
 * The answer as nginx's auth_request sub-request gets it: 200, or a bare 401 keeping the reason
 * (for the metrics) of the answer the replayed check will give.
 */
export const forAuthRequest = (reply: Reply, authRequest: boolean): Reply =>
  authRequest && reply.status !== 200 ? { ...AUTH_REQUEST_DENIAL, reason: reply.reason } : reply;
