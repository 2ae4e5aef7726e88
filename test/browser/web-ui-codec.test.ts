// The Temporal Web UI in headless Chromium WITHOUT a codec server: what anyone with namespace access sees. The
// gate's input is the encrypted payload (encoding binary/encrypted, a key id, ciphertext), not the peer it names;
// its summary is no longer readable either. (web-ui.test.ts reads the same pages decoded through the codec server.)
// Skips, saying why, when Debian's chromium is not installed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chromiumMissing } from './chromium.ts';
import { withUiPage } from './ui-page.ts';
import { CAST } from './ui-stack.ts';
import { readWorkflowInput, shownInput } from './web-ui-pages.ts';

describe('the Temporal Web UI without a codec server shows only encrypted payloads', { skip: chromiumMissing() ?? false }, () => {
  const ui = withUiPage({ codecEndpoint: false });

  test('a gate\'s input shows as ciphertext with its key id, never the peer', async () => {
    // Rendered, then given the time a codec answer would take: it stays encrypted.
    await readWorkflowInput(ui.page, ui.stack.uiUrl, ui.stack.namespace, ui.stack.workflows.armedGate, (text) => text.includes('"metadata"'));
    await ui.page.waitForTimeout(3000);
    const input = await shownInput(ui.page);
    const shown = JSON.parse(input) as { metadata?: Record<string, string>; data?: string };
    assert.equal(Buffer.from(shown.metadata?.encoding ?? '', 'base64').toString(), 'binary/encrypted');
    assert.equal(Buffer.from(shown.metadata?.['encryption-key-id'] ?? '', 'base64').toString(), 'test-key-1');
    assert.ok(!input.includes(CAST.lorene) && !Buffer.from(shown.data ?? '', 'base64').toString('latin1').includes(CAST.lorene));
  });
});
