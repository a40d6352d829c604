/**
 * The pieces of the services' status pages: server-rendered HTML with a little CSS and inline SVG,
 * nothing loaded from anywhere (the ops port is reached from a cluster or a laptop that may be
 * offline), no script needed to read them.
 */

/** Escapes text for element content and double-quoted attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Markup that is already safe (built by these helpers); plain strings are escaped. */
export interface Html {
  readonly html: string;
}
export const raw = (html: string): Html => ({ html });
const text = (v: string | number | Html): string => (typeof v === 'object' ? v.html : escapeHtml(String(v)));

/** `html\`<p>${value}</p>\``: values are escaped unless they are {@link Html}; arrays are joined. */
export function html(strings: TemplateStringsArray, ...values: (string | number | Html | Html[])[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += Array.isArray(v) ? v.map(text).join('') : text(v);
    out += strings[i + 1] ?? '';
  });
  return raw(out);
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;max-width:72rem;margin:1.5rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.4rem;margin:0 0 .2rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}p.sub{color:#57606a;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;table-layout:auto}th,td{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f6f8fa;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1a7f37}.bad{color:#cf222e}.warn{color:#9a6700}.muted{color:#57606a}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{border:1px solid #d0d7de;border-radius:6px;padding:.5rem .8rem;min-width:10rem}
.card b{display:block;font-size:1.3rem}form{margin:.5rem 0}input[type=search]{padding:.3rem;width:20rem;max-width:100%}
svg{display:block}`;

/** "12 s ago", "3 min ago", or "never" for a time that has not come (an infinite age). */
export const ago = (seconds: number): string =>
  !Number.isFinite(seconds)
    ? 'never'
    : seconds < 90
      ? `${Math.round(seconds)} s ago`
      : `${Math.round(seconds / 60)} min ago`;

/** A state in green or red, or muted `unknown` while it is not known. */
export const state = (ok: boolean | undefined, yes: string, no: string, unknown = 'not known yet'): Html =>
  ok === undefined
    ? html`<span class="muted">${unknown}</span>`
    : html`<span class="${ok ? 'ok' : 'bad'}">${ok ? yes : no}</span>`;

/** One of the figures across the top of a status page. */
export const card = (label: string, value: string | Html): Html =>
  html`<div class="card">${label}<b>${value}</b></div>`;

/** A whole page: title, an optional refresh interval, and the body. */
export function page(title: string, body: Html, refreshSeconds?: number): string {
  const refresh = refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body.html}</body></html>`;
}

/** A table with a header row; cells are text or {@link Html}. */
export function table(headers: string[], rows: (string | number | Html)[][], empty = 'none'): Html {
  if (rows.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<table><thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`,
  )}</tbody></table>`;
}

/**
 * A line graph of one or more series over the same steps (oldest first), as inline SVG with its
 * largest value labelled. Series of different lengths are aligned on their newest point.
 */
export function lineGraph(
  series: { name: string; points: readonly number[]; color: string }[],
  o: { width?: number; height?: number; unit?: string } = {},
): Html {
  // Nothing to draw yet (a counter's first point needs two readings): a line, not an empty frame.
  if (series.every((s) => s.points.length === 0))
    return raw('<p class="muted">no points yet: the first comes within a minute of start</p>');
  const width = o.width ?? 640;
  const height = o.height ?? 120;
  const steps = Math.max(2, ...series.map((s) => s.points.length));
  const top = Math.max(1e-9, ...series.flatMap((s) => s.points));
  const x = (i: number) => ((i / (steps - 1)) * (width - 2) + 1).toFixed(1);
  const y = (v: number) => (height - 14 - (v / top) * (height - 20)).toFixed(1);
  const lines = series
    .filter((s) => s.points.length > 0)
    .map((s) => {
      const offset = steps - s.points.length;
      const d = s.points.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i + offset)},${y(v)}`).join('');
      return `<path d="${d}" fill="none" stroke="${escapeHtml(s.color)}" stroke-width="1.5"><title>${escapeHtml(s.name)}</title></path>`;
    })
    .join('');
  const legend = series
    .map((s) => `<tspan fill="${escapeHtml(s.color)}">${escapeHtml(s.name)}</tspan>`)
    .join(' ');
  // All quiet: say 0, not "max 1e-9".
  const max = `max ${top === 1e-9 ? 0 : Number(top.toPrecision(3))}${o.unit ? ` ${o.unit}` : ''}`;
  return raw(
    `<svg width="100%" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(series.map((s) => s.name).join(', '))}">` +
      `<line x1="0" y1="${height - 14}" x2="${width}" y2="${height - 14}" stroke="#d0d7de"/>` +
      `${lines}<text x="2" y="10" font-size="10" fill="#57606a">${escapeHtml(max)}</text>` +
      `<text x="${width - 2}" y="${height - 2}" font-size="10" text-anchor="end">${legend}</text></svg>`,
  );
}
