import type { Grants } from './granted.ts';
import type { Step } from './step.ts';

/**
 * Does the policy serve the request without a session (a public path or method)? Then it passes,
 * with the identity headers of a session when there is one (and empty ones otherwise, so a
 * client's never reach the app).
 */
export function createPublicStep(grants: Grants): Step {
  return (c, next) => (c.isPublic ? grants.granted(c, c.session, 'public') : next(c));
}
