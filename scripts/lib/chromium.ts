/**
 * Headless Debian Chromium through playwright-core, for every script, test and bench that drives a page,
 * with the flags that keep it off the network: no background requests, so any request leaving 127.0.0.1
 * is the page's own (test/helpers/browser.ts reports such requests as failures). CHROMIUM_PATH names
 * another build.
 */
import { chromium, type Browser } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
