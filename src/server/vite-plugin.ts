/**
 * `npm run dev`: the lab server rides on Vite's own HTTP server, so hot reload and live panes share one
 * origin. Register it in vite.config.ts: `plugins: [..., labServerPlugin()]` (serve only; the build
 * does not load it). It answers the token exchange and /api/status ahead of Vite, takes the /ws upgrades
 * (Vite's HMR socket uses another protocol and is left alone), and prints the start URL with Vite's port.
 * No CSP in dev: Vite injects inline scripts; `npm start` serves the built deck with the strict one.
 */
import type { AddressInfo } from 'node:net';
import type { Plugin } from 'vite';
import { LAB_SERVER_META } from '../protocol/messages.ts';
import { resolveConfig, type ResolvedConfig } from './config.ts';
import { createLabServer, type LabServer } from './lab-server.ts';
import { formatStartup } from './startup-report.ts';

export interface LabServerPluginOptions {
  /** Same flags as src/server/main.ts (--port and --dist do not apply: Vite serves). */
  readonly argv?: readonly string[];
  /** Defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function labServerPlugin(options: LabServerPluginOptions = {}): Plugin {
  return {
    name: 'deck:lab-server',
    apply: 'serve',
    transformIndexHtml() {
      return [{ tag: 'meta', attrs: { name: LAB_SERVER_META, content: '1' }, injectTo: 'head' }];
    },
    async configureServer(vite) {
      let config: ResolvedConfig;
      let labs: LabServer;
      try {
        config = resolveConfig(options.argv ?? [], options.env ?? process.env);
        labs = await createLabServer(config);
      } catch (error) {
        // The slides still hot-reload; the panes say there is no lab server.
        vite.config.logger.error(`lab server: ${(error as Error).message}\nLes terminaux resteront hors ligne.`);
        return;
      }
      vite.middlewares.use((request, response, next) => {
        if (!labs.handleRequest(request, response)) next();
      });
      const http = vite.httpServer;
      if (!http) {
        vite.config.logger.warn('lab server: Vite runs in middleware mode, no HTTP server to attach /ws to.');
        return;
      }
      http.on('upgrade', (request, socket, head) => {
        labs.handleUpgrade(request, socket, head);
      });
      http.once('listening', () => {
        const address = http.address() as AddressInfo | string | null;
        if (address === null || typeof address === 'string') return;
        labs.allowPort(address.port);
        const { url, audienceUrl } = labs.urls(address.port);
        vite.config.logger.info(
          formatStartup({
            url,
            audienceUrl,
            sandbox: labs.sandbox.description,
            labs: labs.labInfos(),
            warnings: [...config.warnings, ...labs.labs.warnings, ...labs.sandbox.warnings],
          }),
        );
      });
      http.once('close', () => void labs.close());
      process.once('exit', () => labs.killNow());
    },
  };
}
