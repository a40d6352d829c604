import { type BrowserContext, chromium, type Request } from 'playwright-core';
import { findProgram } from './programs.ts';
import { removeScratch, scratchDir } from './scratch.ts';

/** Debian's Chromium under playwright-core: a real browser, never a downloaded one. */
export interface RealBrowser {
  context: BrowserContext;
  /** Every URL the browser requested, so a test can assert it never left loopback. */
  requested: string[];
  close(): Promise<void>;
}

/**
 * Starts headless Chromium from Debian (`/usr/bin/chromium`, package chromium) with a new empty
 * profile. Background networking is off: the machine's network is closed, and a page under test
 * must load nothing from outside anyway (a test reads `requested` to prove it).
 */
export async function startChromium(): Promise<RealBrowser> {
  const executablePath = findProgram('chromium', 'chromium');
  const profile = scratchDir('chromium');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--no-sandbox', // tests run as root in CI
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const requested: string[] = [];
  context.on('request', (r: Request) => requested.push(r.url()));
  return {
    context,
    requested,
    async close() {
      await context.close();
      removeScratch(profile);
    },
  };
}

/** True for URLs a test may load: loopback addresses and `*.localhost` (RFC 6761 6.3). */
export function isLoopbackUrl(href: string): boolean {
  const { hostname, protocol } = new URL(href);
  if (protocol === 'data:' || protocol === 'about:') return true;
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname) ||
    hostname === '[::1]'
  );
}
