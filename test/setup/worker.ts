import { afterAll, afterEach } from 'vitest';
import { installLoopbackGuard, takeViolations } from '../harness/loopback-guard.ts';
import { removeScratch } from '../harness/scratch.ts';

// Installed in every test worker before any test file runs (vitest setupFiles).
installLoopbackGuard();

afterEach(() => {
  const found = takeViolations();
  if (found.length > 0) throw new Error(found.join('\n'));
});

// Every temporary folder a test file made through the harness goes when the file ends.
afterAll(() => removeScratch());
