import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAGE_CSP, page } from '../../src/reply/pages.ts';

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('pages', () => {
  it('escapes every value it shows', () => {
    const html = page('<t>', '"x" & \'y\'', { action: '/a?b="c"', button: '<go>', fields: { '<k>': '"v"' } });
    expect(html).toContain('<h1>&#60;t&#62;</h1><p>&#34;x&#34; &#38; &#39;y&#39;</p>');
    expect(html).toContain('<form method="post" action="/a?b=&#34;c&#34;">');
    expect(html).toContain('<input type="hidden" name="&#60;k&#62;" value="&#34;v&#34;">');
    expect(html).not.toContain('<script>');
  });

  it('runs only its own style and auto-submit, which the CSP names by hash', () => {
    const html = page('t', 'x', { action: 'https://id.example.com/end', button: 'Continue', auto: true });
    const style = /<style>(.*)<\/style>/.exec(html)?.[1] as string;
    const script = /<script>(.*)<\/script>/.exec(html)?.[1] as string;
    expect(PAGE_CSP).toContain(`style-src ${hashOf(style)}`);
    expect(PAGE_CSP).toContain(`script-src ${hashOf(script)}`);
    expect(PAGE_CSP).toMatch(/^default-src 'none';/);
  });
});
