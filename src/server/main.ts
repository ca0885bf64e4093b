/**
 * `npm start` (after `vite build`): the lab server on its own, serving dist/ and /ws.
 * Exits with a message naming the problem when a flag, a lab definition or the lab account is wrong;
 * on SIGINT, SIGTERM or SIGHUP ends every lab shell (their whole process groups) before exiting.
 */
import { ConfigError, resolveConfig, USAGE, type ResolvedConfig } from './config.ts';
import { createLabServer, type LabServer } from './lab-server.ts';
import { LabDefinitionError } from './labs.ts';
import { SandboxError } from './sandbox.ts';
import { formatStartup } from './startup-report.ts';

function fatal(message: string, code = 1): never {
  console.error(`cours-openstack : ${message}`);
  process.exit(code);
}

let config: ResolvedConfig;
try {
  config = resolveConfig(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  if (error.message === USAGE) {
    console.log(USAGE);
    process.exit(0);
  }
  fatal(error.message, 2);
}

let server: LabServer;
try {
  server = await createLabServer(config);
} catch (error) {
  if (error instanceof LabDefinitionError || error instanceof SandboxError) fatal(error.message);
  throw error;
}

let listening;
try {
  listening = await server.listen();
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') fatal(`le port ${config.port} est déjà utilisé : choisissez-en un autre avec --port N.`);
  if (code === 'EADDRNOTAVAIL') fatal(`--host ${config.host} : adresse absente de cette machine.`);
  throw error;
}

const qr =
  config.classroom && listening.audienceUrl
    ? // Loaded only for a classroom: the one place it is used (a few MiB of resident memory otherwise).
      await (await import('qrcode')).default.toString(listening.audienceUrl, { type: 'terminal', small: true })
    : undefined;
console.log(
  formatStartup({
    ...(qr ? { qr } : {}),
    url: listening.url,
    audienceUrl: listening.audienceUrl,
    sandbox: server.sandbox.description,
    labs: server.labInfos(),
    warnings: [...config.warnings, ...server.labs.warnings, ...server.sandbox.warnings],
  }),
);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal} : arrêt des shells des labs…`);
  await server.close();
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
// Whatever way the process ends, no lab process outlives it.
process.on('exit', () => server.killNow());
// The terminal that started the server may go away (an ssh session, a closed window): writing to it then
// fails with EPIPE. That must cost the log, never the class, and must not loop through the handler below.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
// A bug in one handler must not end every student's shell mid-class: log it loudly and keep serving.
process.on('uncaughtException', (error) => {
  if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
  console.error('cours-openstack : erreur inattendue', error);
});
