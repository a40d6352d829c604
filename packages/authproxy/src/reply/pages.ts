import { createHash } from 'node:crypto';

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A button that POSTs hidden fields to `action` (a path on the same host, or the provider's end-session). */
export interface PageForm {
  action: string;
  button: string;
  fields?: Record<string, string>;
  /** Submit on load (the button stays for browsers without scripts). */
  auto?: boolean;
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}' +
  'table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #ddd;overflow-wrap:anywhere}' +
  'form.inline{display:inline;margin:0}label{display:block;margin:.4rem 0}code,pre{font:14px ui-monospace,monospace;overflow-wrap:anywhere;white-space:pre-wrap}pre{background:#f4f4f4;padding:.6rem}';
const SUBMIT = 'document.forms[0].submit()';
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The Content-Security-Policy of every page: nothing loads, only the page's own style and
 * auto-submit run, and no other site may frame it (the sign-out button is not to be clickjacked).
 */
export const PAGE_CSP = `default-src 'none'; style-src ${sha256(STYLE)}; script-src ${sha256(SUBMIT)}; base-uri 'none'; frame-ancestors 'none'`;

/** A POST form of one button (a page's own form, or one of several on the app-passwords page). */
export function postForm(form: PageForm, className?: string): string {
  const fields = Object.entries(form.fields ?? {})
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  const cls = className ? ` class="${className}"` : '';
  return `<form method="post" action="${escapeHtml(form.action)}"${cls}>${fields}<button type="submit">${escapeHtml(form.button)}</button></form>`;
}

/**
 * A self-contained HTML page: no external assets, the one style every page shares, one fixed
 * script at most. `body` is HTML the caller built (every value in it escaped).
 */
export function document(title: string, body: string, autoSubmit = false): string {
  const script = autoSubmit ? `<script>${SUBMIT}</script>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}${script}<p><small>Horizon auth</small></p></body></html>
`;
}

/** A small page for what a person reads: a title, a text, a button at most. */
export function page(title: string, text: string, form?: PageForm): string {
  return document(title, `<p>${escapeHtml(text)}</p>${form ? postForm(form) : ''}`, form?.auto === true);
}
