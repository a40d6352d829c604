import { dnsAnswers, tcpOpen } from './probes.ts';
import { type ProgramSpec, type RunningProgram, startProgram } from './programs.ts';

/**
 * dnsmasq with a config of our own: no /etc/resolv.conf, no /etc/hosts, bound to one loopback
 * address. `lines` are dnsmasq.conf lines, e.g. `server=/home.example.com/127.0.0.1#5300` (the UDM's
 * conditional forwarding) or `address=/x.test/127.0.0.9`. Never a non-loopback upstream.
 */
export function startDnsmasq(
  lines: readonly string[],
  options: { host?: string; port?: number } = {},
): Promise<RunningProgram> {
  for (const line of lines) {
    const upstream = /^server=(?:\/[^/]*\/)?([^#/]+)/.exec(line)?.[1];
    if (upstream && !upstream.startsWith('127.') && upstream !== '::1') {
      throw new Error(`dnsmasq upstream ${upstream} is not loopback`);
    }
  }
  const spec: ProgramSpec = {
    name: 'dnsmasq',
    command: 'dnsmasq',
    debianPackage: 'dnsmasq-base',
    files: ({ host, port }) => ({
      'dnsmasq.conf': [
        `port=${port}`,
        `listen-address=${host}`,
        'bind-interfaces',
        'no-resolv',
        'no-hosts',
        'no-poll',
        'user=root',
        ...lines,
        '',
      ].join('\n'),
    }),
    args: ({ dir }) => [
      '--keep-in-foreground',
      `--conf-file=${dir}/dnsmasq.conf`,
      '--pid-file=',
      '--log-facility=-',
    ],
    ready: ({ host, port }) => dnsAnswers(host, port),
  };
  return startProgram(spec, options);
}

/**
 * nginx serving `http` (the inside of an `http { }` block; `$HOST`/`$PORT` are where it must
 * listen, `$DIR` its folder). `files` are written into that folder first (snippets to include),
 * with the same replacements.
 */
export function startNginx(
  http: string,
  options: { host?: string; port?: number; files?: Record<string, string> } = {},
): Promise<RunningProgram> {
  const fill = (text: string, dir: string, host: string, port: number) =>
    text.replaceAll('$HOST', host).replaceAll('$PORT', String(port)).replaceAll('$DIR', dir);
  return startProgram(
    {
      name: 'nginx',
      command: 'nginx',
      debianPackage: 'nginx-light',
      files: ({ dir, host, port }) => ({
        ...Object.fromEntries(
          Object.entries(options.files ?? {}).map(([n, t]) => [n, fill(t, dir, host, port)]),
        ),
        'nginx.conf': `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  ${fill(http, dir, host, port)}
}
`,
      }),
      args: ({ dir }) => ['-p', dir, '-c', `${dir}/nginx.conf`, '-g', 'daemon off;'],
      ready: ({ host, port }) => tcpOpen(host, port),
    },
    { host: options.host, port: options.port },
  );
}

/** Caddy running `sites` (Caddyfile site blocks; `$HOST`/`$PORT` replaced), admin API off. */
export function startCaddy(
  sites: string,
  options: { host?: string; port?: number } = {},
): Promise<RunningProgram> {
  return startProgram(
    {
      name: 'caddy',
      command: 'caddy',
      debianPackage: 'caddy',
      files: ({ host, port }) => ({
        Caddyfile: `{
  admin off
  auto_https off
}
${sites.replaceAll('$HOST', host).replaceAll('$PORT', String(port))}
`,
      }),
      args: ({ dir }) => ['run', '--config', `${dir}/Caddyfile`, '--adapter', 'caddyfile'],
      env: ({ dir }) => ({ XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir }),
      ready: ({ host, port }) => tcpOpen(host, port),
    },
    options,
  );
}

/** redis-server on loopback with persistence off. */
export function startRedis(options: { host?: string; port?: number } = {}): Promise<RunningProgram> {
  return startProgram(
    {
      name: 'redis',
      command: 'redis-server',
      debianPackage: 'redis-server',
      args: ({ dir, host, port }) => [
        '--port',
        String(port),
        '--bind',
        host,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      ready: ({ host, port }) => tcpOpen(host, port),
    },
    options,
  );
}
