import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { escapeHtml } from '../html.ts';
import { devPage } from './pages.ts';
import type { DevAccount } from './provider.ts';

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Grants what the client asked for: the development provider has no consent screen. */
async function finish(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  accountId: string,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const clientId = String(details.params.client_id);
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId });
  if (!grant) throw new Error('grant vanished');
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

/**
 * The login "page" of the development provider: pick an account, no password. A browser and the
 * tests' scripted login both submit its form (`username`).
 */
export async function handleInteraction(
  provider: Provider,
  accounts: Map<string, DevAccount>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const uid = details.uid;
  if (req.method === 'POST' && req.url === `/interaction/${uid}/login`) {
    const form = await readForm(req);
    const account = [...accounts.values()].find((a) => a.preferred_username === form.get('username'));
    if (!account || account.disabled) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('unknown or disabled account\n');
      return;
    }
    return finish(provider, req, res, account.sub);
  }
  if (details.prompt.name === 'consent' && details.session?.accountId) {
    return finish(provider, req, res, details.session.accountId);
  }
  const buttons = [...accounts.values()]
    .filter((a) => !a.disabled)
    .map(
      (a) =>
        `<button name="username" value="${escapeHtml(a.preferred_username)}">${escapeHtml(a.name ?? a.preferred_username)} (${escapeHtml(a.groups.join(', ') || 'no groups')})</button>`,
    )
    .join('\n');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    devPage(
      'Development OpenID Provider',
      `<h1>Sign in as</h1>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
${buttons}
</form>`,
    ),
  );
}
