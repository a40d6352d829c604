import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningProgram, startCaddy, startNginx } from '@horizon/test/harness';

/**
 * The nginx and Caddy set-ups of the README, read from the README itself: what the tests run is
 * what users copy. Only what cannot run here is replaced: the service's and the apps' addresses,
 * the TLS listen lines, the site names, the include paths. A site with several apps repeats the
 * README's app block (nginx `location`, Caddy `handle`) once per path prefix.
 */
const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

/** The fenced block after `<!-- recipe:NAME -->` in the README. */
export function recipe(name: string): string {
  const at = README.indexOf(`<!-- recipe:${name} -->`);
  if (at < 0) throw new Error(`README has no recipe ${name}`);
  const open = README.indexOf('\n', README.indexOf('```', at)) + 1;
  return README.slice(open, README.indexOf('\n```', open) + 1);
}

/** One site: its host and which app (`127.0.0.1:port`) serves which path prefix. */
export interface Site {
  host: string;
  routes: { prefix: string; upstream: string }[];
  /** Its app's own credential headers besides Authorization (appCredentials), copied as the README says. */
  credentials?: string[];
}

/** The README's nginx lines for one credential header, for the header `name`. */
function nginxCredential(name: string): string {
  const text = must(must(recipe('nginx-credential'), 'X-Api-Key'), 'x_api_key');
  const variable = name.toLowerCase().replaceAll('-', '_');
  return text.replaceAll('X-Api-Key', name).replaceAll('x_api_key', variable);
}

const SERVICE = 'horizon-authproxy.security:4180';
const APP = 'bentopdf:8080';
const SITE = 'pdf.home.example.com';

const must = (text: string, part: string): string => {
  if (!text.includes(part)) throw new Error(`README recipe changed: no "${part}" in\n${text}`);
  return text;
};

/** Real Caddy running the README's snippet, and one README site per site (plain HTTP on `$PORT`). */
export function startCaddyRecipe(authPort: number, sites: Site[], port: number): Promise<RunningProgram> {
  const text = recipe('caddy');
  const split = text.indexOf(`\n${SITE} {`);
  // The README: each credential header's name added to copy_headers.
  const credentials = [...new Set(sites.flatMap((s) => s.credentials ?? []))];
  const snippet = must(text.slice(0, split), SERVICE)
    .replace(SERVICE, `127.0.0.1:${authPort}`)
    .replace(/(copy_headers [^\n]*)/, (line) => [line, ...credentials].join(' '));
  const body = must(text.slice(split), APP)
    .replace(`${SITE} {`, '')
    .replace(/\}\s*$/, '')
    .trim();
  const blocks = sites.map((site) => {
    const handles = site.routes.map((r) => {
      const matcher = r.prefix === '/' ? '' : ` ${r.prefix}*`;
      return `\thandle${matcher} {\n\t\t${body.replace(APP, r.upstream).replace(/\n\s*/g, '\n\t\t')}\n\t}`;
    });
    return `http://${site.host}:$PORT {\n\tbind $HOST\n${handles.join('\n')}\n}`;
  });
  return startCaddy(`${snippet}\n${blocks.join('\n')}\n`, { port });
}

/** Real nginx running the README's map, snippets and one README server per site (plain HTTP on `$PORT`). */
export function startNginxRecipe(authPort: number, sites: Site[], port: number): Promise<RunningProgram> {
  const example = must(must(recipe('nginx-server'), 'listen 443 ssl;'), SITE);
  const location = /\n( {2}location \/ \{[\s\S]*?\n {2}\}\n)/.exec(example)?.[1] ?? must('', 'location / {');
  const servers = sites.map((site) =>
    example
      .replace('listen 443 ssl;', 'listen $HOST:$PORT;')
      .replace(/^\s*ssl_certificate.*\n/gm, '')
      .replace(SITE, site.host)
      .replace('/etc/nginx/horizon/auth.conf', '$DIR/horizon-auth.conf')
      .replace(
        location,
        site.routes
          .map((r) =>
            must(location, APP)
              .replace('location / {', `location ${r.prefix} {`)
              .replace(APP, r.upstream)
              .replace('/etc/nginx/horizon/app.conf', '$DIR/horizon-app.conf')
              .replace(
                'horizon-app.conf;\n',
                `horizon-app.conf;\n${(site.credentials ?? []).map(nginxCredential).join('')}`,
              ),
          )
          .join(''),
      ),
  );
  return startNginx(`${recipe('nginx-http')}\n${servers.join('\n')}`, {
    port,
    files: {
      'horizon-auth.conf': must(recipe('nginx-auth'), SERVICE).replaceAll(SERVICE, `127.0.0.1:${authPort}`),
      'horizon-app.conf': recipe('nginx-app'),
    },
  });
}
