/**
 * Kubernetes label selectors in their string form: `a=b`, `a==b`, `a!=b`, `a`, `!a`,
 * `a in (x,y)`, `a notin (x,y)`, joined by commas (all must match).
 */
export type LabelMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

const REQUIREMENT =
  /^\s*(!?)([A-Za-z0-9._/-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9._-]*)|\s+(in|notin)\s*\(([^)]*)\))?\s*$/;

export function parseLabelSelector(selector: string): LabelMatcher {
  if (selector.trim() === '') return () => true;
  // Split on commas that are not inside parentheses.
  const parts = selector.split(/,(?![^(]*\))/);
  const tests = parts.map((part) => {
    const m = REQUIREMENT.exec(part);
    if (!m) throw new RangeError(`invalid label selector "${selector}" at "${part.trim()}"`);
    const [, not, key = '', op, value = '', setOp, setValues = ''] = m;
    const has = (l: Record<string, string>) => Object.hasOwn(l, key);
    if (op === '=' || op === '==') return (l: Record<string, string>) => l[key] === value;
    if (op === '!=') return (l: Record<string, string>) => l[key] !== value;
    if (setOp) {
      const set = new Set(setValues.split(',').map((s) => s.trim()));
      return setOp === 'in'
        ? (l: Record<string, string>) => has(l) && set.has(l[key] ?? '')
        : (l: Record<string, string>) => !has(l) || !set.has(l[key] ?? '');
    }
    return not ? (l: Record<string, string>) => !has(l) : has;
  });
  return (labels) => tests.every((t) => t(labels ?? {}));
}
