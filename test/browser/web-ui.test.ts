// The Temporal Web UI in a real headless Chromium, against the `npm start` stack (dev server with its UI, the real
// workers) after a played conversation: an operator finds our workflows in the list by our search attributes and
// reads each one's summary and current details, which must say what the workflow's state says.
// Skips, saying why, when Debian's chromium is not installed (.ci/run installs it).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gateStateQuery } from '../../workflows/gate/contract.ts';
import { describeGate } from '../../workflows/gate/describe.ts';
import { maskPeer } from '../../workflows/gate/text.ts';
import { orchestratorThreadQuery } from '../../workflows/orchestrator/contract.ts';
import { describeThread } from '../../workflows/orchestrator/thread-summary.ts';
import { chromiumMissing } from './chromium.ts';
import { withUiPage } from './ui-page.ts';
import { CAST } from './ui-stack.ts';
import { readUserMetadata, readWorkflowInput, readWorkflowList, showColumns } from './web-ui-pages.ts';

const COLUMNS = ['OpenClawPlugin', 'OpenClawPeer', 'OpenClawGateState'] as const;

describe('the Temporal Web UI shows our workflows to an operator', { skip: chromiumMissing() ?? false }, () => {
  const ui = withUiPage();

  test('the workflow list, filtered to lorene-gate, lists both gates with their peer and arm state', async () => {
    await showColumns(ui.page, ui.stack.uiUrl, ui.stack.namespace, COLUMNS);
    const rows = await readWorkflowList(ui.page, ui.stack.uiUrl, ui.stack.namespace, { query: 'OpenClawPlugin = "lorene-gate"', minRows: 2 });
    const row = (id: string) => rows.find((r) => r['Workflow ID'] === id);
    assert.deepEqual(
      [row(ui.stack.workflows.armedGate), row(ui.stack.workflows.idleGate)].map((r) => r && [r.Status, r.Type, r.OpenClawPlugin, r.OpenClawPeer, r.OpenClawGateState]),
      [
        ['Running', 'gateWorkflow', 'lorene-gate', CAST.lorene, 'armed'],
        ['Running', 'gateWorkflow', 'lorene-gate', CAST.other, 'idle'],
      ],
    );
    assert.deepEqual(rows.filter((r) => r.OpenClawPlugin !== 'lorene-gate'), [], 'the query filter keeps only lorene-gate workflows');
  });

  test('an armed gate shows its summary and "armed by …" current details, as its state query says', async () => {
    const shown = await readUserMetadata(ui.page, ui.stack.uiUrl, ui.stack.namespace, ui.stack.workflows.armedGate);
    const state = await ui.stack.client.workflow.getHandle(ui.stack.workflows.armedGate).query(gateStateQuery);
    assert.equal(shown.summary, `lorene-gate · whatsapp · ${maskPeer(CAST.lorene)}`);
    assert.match(shown.details, /^Outbound gate for one protected whatsapp peer/);
    assert.match(shown.currentDetails, /^armed by \+49…78 for request whatsapp:ui-1: 2 uses left, expires \d\d:\d\d:\d\d UTC$/);
    assert.equal(shown.currentDetails, describeGate(state, Date.now()));
  });

  test('a gate that refused an uninvited answer shows "idle …" current details', async () => {
    const shown = await readUserMetadata(ui.page, ui.stack.uiUrl, ui.stack.namespace, ui.stack.workflows.idleGate);
    const state = await ui.stack.client.workflow.getHandle(ui.stack.workflows.idleGate).query(gateStateQuery);
    assert.equal(shown.summary, `lorene-gate · whatsapp · ${maskPeer(CAST.other)}`);
    assert.match(shown.currentDetails, /^idle\b/);
    assert.equal(shown.currentDetails, describeGate(state, Date.now()));
  });

  test('payloads are encrypted on the server; through the codec server the UI shows a gate\'s input decoded', async () => {
    assert.ok(ui.stack.codecServer !== null, 'the UI runs with the codec server, as npm start runs it');
    const input = await readWorkflowInput(ui.page, ui.stack.uiUrl, ui.stack.namespace, ui.stack.workflows.armedGate, (text) => text.includes('"peer"'));
    assert.deepEqual(JSON.parse(input), { channel: 'whatsapp', peer: CAST.lorene });
  });

  test('an orchestrator thread is listed and shows its orchestrator and workers as current details', async () => {
    const thread = ui.stack.workflows.thread;
    assert.ok(thread !== null, 'the orchestrator thread scenario was played');
    const rows = await readWorkflowList(ui.page, ui.stack.uiUrl, ui.stack.namespace, { query: 'OpenClawPlugin = "orchestrator"' });
    assert.ok(rows.some((r) => r['Workflow ID'] === thread && r.Status === 'Running'), `${thread} is listed as running`);
    const shown = await readUserMetadata(ui.page, ui.stack.uiUrl, ui.stack.namespace, thread);
    const state = await ui.stack.client.workflow.getHandle(thread).query(orchestratorThreadQuery);
    assert.match(shown.summary, /^orchestrator · agent:main:/);
    assert.match(shown.currentDetails, /^orchestrator agent:main:subagent:/);
    assert.equal(shown.currentDetails, describeThread(state));
  });
});
