import type { Logger } from '@horizon/shared';
import type { IndexData } from './types.ts';

/**
 * Says each conflict and problem of the index once: a rebuild logs only what the last one did not
 * have, so a lost claim is one line while it lasts (and one more if it comes back), not one per
 * change of anything. What is remembered is the last build's reports, bounded as they are
 * (limits.ts `reportsKept`). A loser that would answer the same records (a Gateway's own name
 * and the Service its controller made for it) is said at debug level: nothing is lost.
 */
export function createReporter(log: Logger): (index: IndexData) => void {
  let said = new Set<string>();
  return (index) => {
    const now = new Set<string>();
    for (const c of index.conflicts) {
      const key = `conflict ${c.name} ${c.owner} ${c.winner.owner}`;
      now.add(key);
      if (said.has(key)) continue;
      const fields = { name: c.name, loser: c.owner, winner: c.winner.owner, reason: c.reason };
      if (c.same) log.debug(fields, 'name claimed twice with the same records');
      else log.warn(fields, `${c.name}: ${c.owner} is not served, ${c.reason}`);
    }
    for (const p of index.problems) {
      const key = `problem ${p.owner} ${p.problem}`;
      now.add(key);
      if (!said.has(key)) log.warn({ owner: p.owner, problem: p.problem }, `${p.owner}: ${p.problem}`);
    }
    said = now;
  };
}
