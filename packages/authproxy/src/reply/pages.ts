import { createHash } from 'node:crypto';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A button that POSTs hidden fields to `action` (a path on the same host, or the provider's end-session). */
export interface PageForm {
  action: string;
  button: string;
  fields?: Record<string, string>;
  /** Submit on load (the button stays for browsers without scripts). */
  auto?: boolean;
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}';
const SUBMIT = 'document.forms[0].submit()';
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The Content-Security-Policy of every page: nothing loads, only the page's own style and
 * auto-submit run, and no other site may frame it (the sign-out button is not to be clickjacked).
 */
export const PAGE_CSP = `default-src 'none'; style-src ${sha256(STYLE)}; script-src ${sha256(SUBMIT)}; base-uri 'none'; frame-ancestors 'none'`;

/** A small self-contained HTML page for what a person reads (no external assets, one fixed script at most). */
export function page(title: string, text: string, form?: PageForm): string {
  const fields = Object.entries(form?.fields ?? {})
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  const button = form
    ? `<form method="post" action="${escapeHtml(form.action)}">${fields}<button type="submit">${escapeHtml(form.button)}</button></form>`
    : '';
  const script = form?.auto ? `<script>${SUBMIT}</script>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${button}${script}<p><small>Horizon auth</small></p></body></html>
`;
}
