import type { Configuration } from 'oidc-provider';
import { escapeHtml } from '../html.ts';

type Ctx = Parameters<NonNullable<Configuration['renderError']>>[0];

/**
 * The development provider's pages: self-contained (system fonts, nothing loaded from the
 * internet, so the demo works offline), each with the banner that says what this provider is.
 */
export function devPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem">
<p style="background:#fee;padding:.5rem;border:1px solid #c00"><b>Development OpenID Provider: not for production.</b> It stands in for Pocket-ID; anyone can sign in as anyone.</p>
${body}</body></html>`;
}

/**
 * RP-initiated logout ends the provider's session too, as a person who clicked "sign out" expects:
 * the confirmation form is answered "yes" by the page itself (a button where scripts are off).
 * Without this the provider asks, and a "no" (or no answer) signs the same user straight back in.
 */
async function logoutSource(ctx: Ctx, form: string): Promise<void> {
  const yes = form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
  ctx.type = 'html';
  ctx.body = devPage(
    'Signing out',
    `<h1>Signing you out</h1>${yes}
<noscript><button type="submit" form="op.logoutForm">Sign out</button></noscript>
<script>document.getElementById('op.logoutForm').submit()</script>`,
  );
}

async function postLogoutSuccessSource(ctx: Ctx): Promise<void> {
  ctx.type = 'html';
  ctx.body = devPage(
    'Signed out',
    '<h1>Signed out</h1><p>You are signed out of the development provider.</p>',
  );
}

async function renderError(ctx: Ctx, out: object): Promise<void> {
  const rows = Object.entries(out)
    .map(([k, v]) => `<p><b>${escapeHtml(k)}</b>: ${escapeHtml(String(v))}</p>`)
    .join('');
  ctx.type = 'html';
  ctx.body = devPage('Error', `<h1>The provider could not do that</h1>${rows}`);
}

/** The provider's page settings, to spread into its configuration. */
export const DEV_PAGES = {
  renderError,
  rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
} satisfies { renderError: Configuration['renderError']; rpInitiatedLogout: object };
