/**
 * remark-slide 0.14 ships a browserify bundle that assigns the globals `require` and `remark`; bundling it
 * as an ES module breaks both. So it is served (dev) or emitted (build) untouched and loaded by a classic
 * <script> placed before the deck's module script.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);
const REMARK_VERSION = (require('remark-slide/package.json') as { version: string }).version;
/** Path of the script in the built site and in the dev server, relative to the page. */
export const REMARK_SCRIPT = `assets/remark-${REMARK_VERSION}.js`;

function remarkSource(): Buffer {
  return readFileSync(require.resolve('remark-slide/out/remark.js'));
}

export function remarkScriptPlugin(): Plugin {
  return {
    name: 'deck:remark-script',
    configureServer(server) {
      server.middlewares.use(`/${REMARK_SCRIPT}`, (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        res.end(remarkSource());
      });
    },
    transformIndexHtml: {
      order: 'pre',
      handler() {
        return [{ tag: 'script', attrs: { src: `./${REMARK_SCRIPT}` }, injectTo: 'head' }];
      },
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: REMARK_SCRIPT, source: remarkSource() });
    },
  };
}
