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
    let lines = 0;
    let more = 0;
    /** One line per new report, {@link LINES_PER_BUILD} at most: a flood of objects is one summary more. */
    const say = (key: string, write: () => void) => {
      now.add(key);
      if (said.has(key)) return;
      if (lines < LINES_PER_BUILD) write();
      else more += 1;
      lines += 1;
    };
    for (const c of index.conflicts) {
      const fields = { name: c.name, loser: c.owner, winner: c.winner.owner, reason: c.reason };
      say(`conflict ${c.name} ${c.owner} ${c.winner.owner}`, () =>
        c.same
          ? log.debug(fields, 'name claimed twice with the same records')
          : log.warn(fields, `${c.name}: ${c.owner} is not served, ${c.reason}`),
      );
    }
    for (const p of index.problems) {
      say(`problem ${p.owner} ${p.problem}`, () =>
        log.warn({ owner: p.owner, problem: p.problem }, `${p.owner}: ${p.problem}`),
      );
    }
    if (more > 0) log.warn({ more }, `${more} more conflicts and problems, listed on /records`);
    said = now;
  };
}

/** New conflicts and problems logged one by one per rebuild; the rest are counted in one line. */
const LINES_PER_BUILD = 20;
