/**
 * `npm run screenshots`: the README's pictures of the Temporal Web UI, taken from the real stack (dev server with
 * its UI, the real workers) after the browser test's played conversation, in Debian's headless Chromium:
 *   docs/web-ui-workflows.png          the workflow list with our search attributes as columns
 *   docs/web-ui-gate.png               an armed gate: summary, details, "armed by …" current details
 *   docs/web-ui-orchestrator-thread.png an orchestrator thread with its workers (when the scenario exists)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../test/browser/chromium.ts';
import { startUiStack } from '../test/browser/ui-stack.ts';
import { readUserMetadata, readWorkflowList, showColumns } from '../test/browser/web-ui-pages.ts';

const docs = fileURLToPath(new URL('../docs/', import.meta.url));
const COLUMNS = ['OpenClawPlugin', 'OpenClawPeer', 'OpenClawGateState', 'OpenClawFrontSession'] as const;

async function shoot(page: Page, name: string): Promise<void> {
  const path = join(docs, name);
  await page.screenshot({ path });
  process.stdout.write(`saved ${path}\n`);
}

async function main(): Promise<void> {
  const missing = chromiumMissing();
  if (missing !== null) throw new Error(missing);
  mkdirSync(docs, { recursive: true });
  const stack = await startUiStack();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 760 } });
    await showColumns(page, stack.uiUrl, stack.namespace, COLUMNS, ['Run ID', 'Type', 'Start', 'End']);
    await readWorkflowList(page, stack.uiUrl, stack.namespace, { minRows: stack.workflows.thread === null ? 2 : 3 });
    const collapse = page.getByRole('button', { name: 'Collapse saved views' });
    if ((await collapse.count()) > 0) await collapse.click();
    await shoot(page, 'web-ui-workflows.png');
    await readUserMetadata(page, stack.uiUrl, stack.namespace, stack.workflows.armedGate);
    await shoot(page, 'web-ui-gate.png');
    if (stack.workflows.thread !== null) {
      await readUserMetadata(page, stack.uiUrl, stack.namespace, stack.workflows.thread);
      await shoot(page, 'web-ui-orchestrator-thread.png');
    }
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`screenshots failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
