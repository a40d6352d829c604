import type { LabelSelector } from '../gateway-api/types.ts';

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

/**
 * A matcher for a structured label selector, as `metav1.LabelSelectorAsSelector`: every
 * `matchLabels` pair and every expression must hold (`In`, `NotIn`, `Exists`, `DoesNotExist`).
 * An empty selector matches everything; a missing one, or one with an operator Kubernetes does
 * not know or `In`/`NotIn` without values (which the API server refuses), matches nothing.
 */
export function labelSelectorMatcher(selector: LabelSelector | undefined): LabelMatcher {
  if (!selector) return () => false;
  const tests: ((l: Readonly<Record<string, string>>) => boolean)[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    tests.push((l) => Object.hasOwn(l, key) && l[key] === value);
  }
  for (const e of selector.matchExpressions ?? []) {
    const values = new Set(e.values ?? []);
    const has = (l: Readonly<Record<string, string>>) => Object.hasOwn(l, e.key);
    if ((e.operator === 'In' || e.operator === 'NotIn') && values.size === 0) return () => false;
    if (e.operator === 'In') tests.push((l) => has(l) && values.has(l[e.key] ?? ''));
    else if (e.operator === 'NotIn') tests.push((l) => !has(l) || !values.has(l[e.key] ?? ''));
    else if (e.operator === 'Exists') tests.push(has);
    else if (e.operator === 'DoesNotExist') tests.push((l) => !has(l));
    else return () => false;
  }
  return (labels) => tests.every((t) => t(labels ?? {}));
}
