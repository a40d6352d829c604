import { createPublicKey, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DevAccount, DevSigningKey } from './provider.ts';

/**
 * Pocket-ID's access tokens are JWTs signed with its key, and its userinfo endpoint accepts
 * them (only access tokens: Pocket-ID checks the `type: oauth-access-token` claim); oidc-provider's
 * JWT access tokens (resource indicators) are refused at its userinfo.
 * This answers userinfo for JWTs the dev provider's key signed (RS256, not expired), with the
 * account's claims, as Pocket-ID does; every other token goes on to oidc-provider. Returns false
 * when the request is not for it.
 */
export function jwtUserinfo(
  req: IncomingMessage,
  res: ServerResponse,
  signing: DevSigningKey,
  accounts: Map<string, DevAccount>,
  calls: { count: number },
): boolean {
  const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const parts = token?.split('.');
  if (!req.url?.startsWith('/api/oidc/userinfo') || parts?.length !== 3) return false;
  const [header = '', payload = '', signature = ''] = parts;
  const json = (part: string) => {
    try {
      return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  if (json(header).alg !== 'RS256') return false;
  calls.count += 1;
  const claims = json(payload);
  const valid =
    verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey(signing.key),
      Buffer.from(signature, 'base64url'),
    ) &&
    Number(claims.exp) > Date.now() / 1000 &&
    claims.type === 'oauth-access-token';
  const account = valid ? accounts.get(String(claims.sub)) : undefined;
  if (!account || account.disabled) {
    res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
    return true;
  }
  const { disabled: _disabled, ...info } = account;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(info));
  return true;
}
