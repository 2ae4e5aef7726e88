/**
 * What an operator sees in the Temporal Web UI (2.42, as the dev server embeds it), read the way they read it:
 * the workflow list with our search attributes as columns, and a workflow's "User Metadata" tab with its
 * summary, details and current details. The UI renders those three as markdown inside iframes.
 */
import type { Page } from 'playwright-core';

/** One row of the workflow list: column header → cell text. */
export type ListedWorkflow = Readonly<Record<string, string>>;

/** The user metadata of one workflow, as the UI renders it. */
export interface WorkflowMetadata {
  readonly summary: string;
  readonly details: string;
  readonly currentDetails: string;
}

const ROW = 'workflows-summary-configurable-table-row';
const TIMEOUT_MS = 30_000;

const listUrl = (uiUrl: string, namespace: string, query?: string) =>
  `${uiUrl}/namespaces/${namespace}/workflows${query === undefined ? '' : `?query=${encodeURIComponent(query)}`}`;

/**
 * Adds columns (search attribute names) to the list and removes others, as an operator does in "Configure
 * Workflows Table". The choice is stored in the browser profile.
 */
export async function showColumns(page: Page, uiUrl: string, namespace: string, labels: readonly string[], hide: readonly string[] = []): Promise<void> {
  await page.goto(listUrl(uiUrl, namespace));
  await page.locator('table thead th').first().waitFor({ timeout: TIMEOUT_MS });
  const inView = async (label: string) => (await page.getByTestId(`workflows-summary-table-header-cell-${label}`).count()) > 0;
  const clicks: string[] = [];
  for (const label of labels) if (!(await inView(label))) clicks.push(`Add ${label} column`);
  for (const label of hide) if (await inView(label)) clicks.push(`Remove ${label} column`);
  if (clicks.length === 0) return;
  await page.getByTestId('workflows-summary-table-configuration-button').click();
  for (const name of clicks) await page.getByRole('button', { name }).click();
  await page.reload(); // closes the drawer
}

/** The list (optionally filtered by a visibility query), once it shows at least `minRows` rows. */
export async function readWorkflowList(page: Page, uiUrl: string, namespace: string, options: { query?: string; minRows?: number } = {}): Promise<ListedWorkflow[]> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    await page.goto(listUrl(uiUrl, namespace, options.query));
    await page.locator('table thead th').first().waitFor({ timeout: TIMEOUT_MS });
    const headers = await page.locator('table thead th').allInnerTexts();
    const rows = await page.getByTestId(ROW).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
    const listed = rows.map((cells) => Object.fromEntries(headers.map((h, i) => [h.trim(), cells[i] ?? ''] as const).filter(([h]) => h !== '')));
    if (listed.length >= (options.minRows ?? 1) || Date.now() > deadline) return listed;
    await page.waitForTimeout(500); // rows load after the header, and visibility is eventually consistent
  }
}

async function frameText(page: Page, heading: string): Promise<string> {
  const frame = page.frameLocator(`xpath=//h3[normalize-space()="${heading}"]/ancestor::div[.//iframe][1]//iframe`).locator('body');
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const text = (await frame.innerText({ timeout: TIMEOUT_MS })).trim();
    if (text !== '' || Date.now() > deadline) return text;
    await page.waitForTimeout(200);
  }
}

/** Opens the workflow's latest run on its "User Metadata" tab and reads what it shows. */
export async function readUserMetadata(page: Page, uiUrl: string, namespace: string, workflowId: string): Promise<WorkflowMetadata> {
  await page.goto(`${uiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`);
  await page.getByText('User Metadata', { exact: true }).click({ timeout: TIMEOUT_MS });
  await page.waitForURL(/\/user-metadata$/, { timeout: TIMEOUT_MS });
  return {
    summary: await frameText(page, 'Summary'),
    details: await frameText(page, 'Details'),
    currentDetails: await frameText(page, 'Current Details'),
  };
}

/**
 * The "Input" panel of the workflow's page as the UI renders it: decoded through the codec server when the UI has
 * one, else the encrypted payload itself (`metadata.encoding` = base64 of `binary/encrypted`, `data`). The UI
 * first renders the payload as stored and replaces it once the codec server answered: read until `done` holds.
 */
export async function readWorkflowInput(page: Page, uiUrl: string, namespace: string, workflowId: string, done: (input: string) => boolean): Promise<string> {
  await page.goto(`${uiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`);
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const input = await shownInput(page);
    if (done(input) || Date.now() > deadline) return input;
    await page.waitForTimeout(200);
  }
}

/** The "Input" panel of the workflow page open in `page`, as shown right now. */
export async function shownInput(page: Page): Promise<string> {
  const text = await page.locator('body').innerText({ timeout: TIMEOUT_MS });
  return /\nInput\n([\s\S]*?)\nResult\n/.exec(text)?.[1]?.replace(/⌄/g, '').trim() ?? '';
}
