import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Pocket-ID's end-session endpoint takes POST as well as GET (RP-Initiated Logout 1.0, 2), and
 * Horizon auth's sign-out page posts its `id_token_hint` so the token is in no URL. oidc-provider
 * takes POST there only with `enableHttpPostMethods`, which needs SameSite=None cookies (so
 * Secure, so HTTPS, which the demo's plain-HTTP browser login cannot have). This reads the form
 * and hands oidc-provider the same parameters as its GET, inside this process: the browser's
 * URL never carries them. Returns false when the request is not such a POST.
 */
export function endSessionByPost(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  next: (req: IncomingMessage, res: ServerResponse) => unknown,
): boolean {
  if (req.method !== 'POST' || req.url?.split('?')[0] !== path) return false;
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    req.method = 'GET';
    req.url = `${path}?${form.toString()}`;
    next(req, res);
  });
  return true;
}
