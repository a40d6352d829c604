// The README's test command (`./pnpmw test`): typecheck, lint, then every test. It installs the
// Debian programs the tests drive when they are missing (as root, as on CI), and ends with one
// plain line `N passed, N failed, N skipped` from the real results; exit 1 on any failure.
// Typecheck and lint each count as one check in that line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const extra = process.argv.slice(2).filter((a) => a !== '--'); // e.g. a test file, for vitest
const run = (cmd: string, args: string[], env = process.env) =>
  spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env }).status === 0;

if (!run('bash', ['scripts/debian-programs.sh', 'check'])) {
  if (!run('bash', ['scripts/debian-programs.sh', 'install'])) {
    console.error('test: the Debian programs the tests need are missing; see above');
    process.exit(1);
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
const check = (name: string, ok: boolean) => {
  console.log(`${ok ? 'ok' : 'FAILED'}: ${name}`);
  if (ok) passed += 1;
  else failed += 1;
};
if (extra.length === 0) {
  check('typecheck (tsc -b)', run('pnpm', ['exec', 'tsc', '-b']));
  check('lint (biome check)', run('pnpm', ['exec', 'biome', 'check', '.']));
  check('build (compiled JavaScript in dist/)', run('pnpm', ['build']));
}

const results = join(root, '.tmp', 'vitest-results.json');
mkdirSync(join(root, '.tmp'), { recursive: true });
rmSync(results, { force: true });
// The tests get a temporary folder of their own: whatever is left in it afterwards is a test that
// did not remove what it made (configs with cookie keys among them), and fails the run.
const scratch = mkdtempSync(join(tmpdir(), 'horizon-test-run-'));
const vitestOk = run(
  'pnpm',
  [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${results}`,
    ...extra,
  ],
  // Node's compile cache (pnpm turns it on) would otherwise live in that folder too.
  { ...process.env, TMPDIR: scratch, NODE_DISABLE_COMPILE_CACHE: '1' },
);
const left = readdirSync(scratch);
rmSync(scratch, { recursive: true, force: true });
check(
  `tests removed their temporary files${left.length ? ` (left: ${left.join(', ')})` : ''}`,
  left.length === 0,
);
try {
  const r = JSON.parse(readFileSync(results, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numTotalTests: number;
  };
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  // Errors outside any test (an unhandled rejection, a file that fails to import) fail the run too.
  if (!vitestOk && r.numFailedTests === 0) check('vitest run (errors outside tests)', false);
  if (r.numTotalTests === 0) check('vitest found tests', false);
} catch {
  check('vitest run (no results written)', false);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
