import type { Finding } from './findings.ts';

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' } as const;

/** Plain text: a line per finding, its fix under it, a summary last. */
export function textReport(findings: readonly Finding[]): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${MARK[f.status]}  ${f.check}: ${f.message}`);
    if (f.fix && f.status !== 'ok') lines.push(`      fix: ${f.fix}`);
  }
  const count = (s: Finding['status']) => findings.filter((f) => f.status === s).length;
  lines.push(
    '',
    `${count('fail')} problems, ${count('warn')} warnings, ${count('ok')} checks passed, ${count('skip')} skipped`,
  );
  return `${lines.join('\n')}\n`;
}

export const jsonReport = (findings: readonly Finding[]): string =>
  `${JSON.stringify({ ok: !findings.some((f) => f.status === 'fail'), findings }, null, 2)}\n`;
