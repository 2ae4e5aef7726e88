/**
 * `npm run screenshots`: the README's pictures of the Temporal Web UI, taken from the real stack (dev server with
 * its UI, the real workers) after the browser test's played conversation, in Debian's headless Chromium:
 *   docs/web-ui-workflows.png          the workflow list with our search attributes as columns
 *   docs/web-ui-gate.png               an armed gate: summary, details, "armed by …" current details
 *   docs/web-ui-orchestrator-thread.png an orchestrator thread with its workers (when the scenario exists)
 *   docs/web-ui-gate-input-decoded.png   a gate's input, decoded through the codec server (as `npm start` runs the UI)
 *   docs/web-ui-gate-input-encrypted.png the same without a codec server: ciphertext and key id
 * `npm run screenshots -- codec` takes only the last two.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../test/browser/chromium.ts';
import { startUiStack } from '../test/browser/ui-stack.ts';
import { readUserMetadata, readWorkflowInput, readWorkflowList, showColumns, shownInput } from '../test/browser/web-ui-pages.ts';

const docs = fileURLToPath(new URL('../docs/', import.meta.url));
const COLUMNS = ['OpenClawPlugin', 'OpenClawPeer', 'OpenClawGateState', 'OpenClawFrontSession'] as const;

async function shoot(page: Page, name: string): Promise<void> {
  const path = join(docs, name);
  await page.screenshot({ path });
  process.stdout.write(`saved ${path}\n`);
}

/** A gate's page with its input, through a UI with or without the codec server. */
async function shootGateInput(codecEndpoint: boolean, name: string): Promise<void> {
  const stack = await startUiStack({ codecEndpoint });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 560 } });
    await readWorkflowInput(page, stack.uiUrl, stack.namespace, stack.workflows.armedGate, (text) => text.includes(codecEndpoint ? '"peer"' : '"metadata"'));
    await page.waitForTimeout(1000);
    if (!(await shownInput(page)).includes(codecEndpoint ? '"peer"' : '"metadata"')) throw new Error(`the gate input is not shown ${codecEndpoint ? 'decoded' : 'encrypted'}`);
    await shoot(page, name);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const missing = chromiumMissing();
  if (missing !== null) throw new Error(missing);
  mkdirSync(docs, { recursive: true });
  // The pictures' stack encrypts with the committed test key, as `npm test` does.
  process.env.OPENCLAW_TEMPORAL_KEY_FILE = fileURLToPath(new URL('../test/fixtures/payload-keys.json', import.meta.url));
  delete process.env.OPENCLAW_TEMPORAL_PAYLOAD_KEYS;
  await shootGateInput(true, 'web-ui-gate-input-decoded.png');
  await shootGateInput(false, 'web-ui-gate-input-encrypted.png');
  if (process.argv.includes('codec')) return;
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
