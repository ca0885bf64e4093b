/**
 * The set-up every e2e file of the built deck repeats: the deck (DECK_DIST, or dist/) served either by
 * the real lab server with the project's labs, in its own process, or by a plain static file server
 * (at home, replay only); Chromium; one page on the deck, watched for errors. close() ends all of it.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { serveStatic, type StaticServer } from '../../scripts/lib/static-server.ts';
import { launchChromium, watchPage, type PageProblems } from './browser.ts';
import { openDeck } from './deck-page.ts';
import { ROOT } from './lab-server.ts';
import { spawnServer, type ServerProcess } from './server-process.ts';

/** The built deck under test: `DECK_DIST=/tmp/x-dist` runs the e2e files against a build of one's own. */
export const DECK_DIST = process.env['DECK_DIST'] || join(ROOT, 'dist');

export interface Viewport {
  readonly width: number;
  readonly height: number;
}

export interface DeckBrowser {
  readonly browser: Browser;
  /** The deck, open and rendered. */
  readonly page: Page;
  readonly problems: PageProblems;
}

export interface LiveDeck extends DeckBrowser {
  readonly server: ServerProcess;
  close(): Promise<void>;
}

export interface StaticDeck extends DeckBrowser {
  readonly files: StaticServer;
  close(): Promise<void>;
}

/** The deck on the lab server with the project's labs (sessions kept 60 s across reloads), as the presenter. */
export async function liveDeck(viewport: Viewport): Promise<LiveDeck> {
  const server = await spawnServer(['--grace', '60'], { labsDir: join(ROOT, 'labs'), distDir: DECK_DIST });
  const opened = await openIn(viewport, server.target.origin, server.urls.presenter).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  return {
    ...opened,
    server,
    async close() {
      await opened.browser.close();
      await server.stop();
    },
  };
}

/** The deck from a plain static file server: no lab server, so every pane replays. */
export async function staticDeck(viewport: Viewport): Promise<StaticDeck> {
  const files = await serveStatic(DECK_DIST);
  const opened = await openIn(viewport, new URL(files.url).origin, files.url).catch(async (error: unknown) => {
    await files.close();
    throw error;
  });
  return {
    ...opened,
    files,
    async close() {
      await opened.browser.close();
      await files.close();
    },
  };
}

async function openIn(viewport: Viewport, origin: string, url: string): Promise<DeckBrowser> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport });
    const problems = watchPage(page, origin);
    await openDeck(page, url);
    return { browser, page, problems };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
