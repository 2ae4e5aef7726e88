/**
 * The lifecycle both Web UI tests share, registered once inside a `describe`: the UI stack (ui-stack.ts), a
 * headless Chromium and one page, all closed after the suite.
 */
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { started } from '../helpers/started.ts';
import { launchChromium } from './chromium.ts';
import { startUiStack, type UiStack } from './ui-stack.ts';

/** The running stack and page; reading either before the suite's `before` ran throws. */
export interface UiPage {
  readonly stack: UiStack;
  readonly page: Page;
}

/** Registers the suite's before/after hooks; `codecEndpoint` as in {@link startUiStack}. */
export function withUiPage(options: { codecEndpoint?: boolean } = {}): UiPage {
  let stack: UiStack | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  before(async () => {
    stack = await startUiStack(options);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  return {
    get stack() {
      return started(stack, 'the UI stack');
    },
    get page() {
      return started(page, 'the browser page');
    },
  };
}
