/**
 * Headless Chromium for the Web UI checks: Debian's `chromium` package driven by playwright-core (which never
 * downloads a browser of its own). The flags keep it off the network it cannot reach here: without the
 * background-networking switches it keeps trying Google's hosts at every start.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The browser binary; `CHROMIUM_PATH` selects another one. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Why the browser checks cannot run here, or null when they can. */
export function chromiumMissing(env: NodeJS.ProcessEnv = process.env): string | null {
  const path = chromiumPath(env);
  return existsSync(path) ? null : `no Chromium at ${path}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Launches headless Chromium with a fresh, temporary profile (playwright removes it on close). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS] });
}
