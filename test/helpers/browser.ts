/**
 * The browser side of the e2e tests: Chromium as every script launches it (scripts/lib/chromium.ts, off
 * the network, so any request leaving 127.0.0.1 is the deck's fault), a page watcher that collects every
 * console error, page error, failed or external request, and screenshots kept with the test results.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export { launchChromium } from '../../scripts/lib/chromium.ts';

export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-results');

export interface PageProblems {
  readonly list: string[];
}

/** Records what a person would call broken: errors in the console, failed loads, requests to elsewhere. */
export function watchPage(page: Page, allowedOrigin: string): PageProblems {
  const list: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') list.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => list.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText;
    // A reload or a navigation cancels what was still loading: that is not a broken page.
    if (reason !== 'net::ERR_ABORTED') list.push(`request failed: ${request.url()} (${reason})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) list.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(allowedOrigin) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      list.push(`external request: ${url}`);
    }
  });
  return { list };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(ARTIFACTS, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
