/**
 * The lab server assembled: labs, sandbox, sessions, auth, the /ws gateway and the HTTP handler. Used by
 * main.ts (standalone, `npm start`), by the Vite plugin (`npm run dev`, Vite's own HTTP server) and by
 * the tests. Creating it spawns nothing; the first presenter attach does.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import type { LabInfo } from '../protocol/messages.ts';
import { Auth } from './auth.ts';
import type { ResolvedConfig } from './config.ts';
import { labPath } from './env.ts';
import { PendingSockets } from './connection-limits.ts';
import { Gateway } from './gateway.ts';
import type { HandsOn } from './hands-on.ts';
import { handleJoin } from './join-api.ts';
import { createApiHandler, createRequestHandler } from './http.ts';
import {
  cachedReadiness,
  checkReadiness,
  loadLabs,
  readinessReason,
  type LabDefinition,
  type LoadedLabs,
  type Readiness,
} from './labs.ts';
import { signalSession } from './processes.ts';
import { resolveSandbox, SandboxError, type Sandbox } from './sandbox.ts';
import { HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './server-limits.ts';
import { SessionRegistry } from './session-registry.ts';
import { flushScheduler } from './outbox.ts';
import { parseScheduler } from './screen.ts';
import { SlideRoom } from './slide-room.ts';
import type { Student } from './students.ts';
import { createStaticHandler } from './static-files.ts';

export interface Listening {
  readonly port: number;
  /** Presenter URL, token included: print it, never log it anywhere else. */
  readonly url: string;
  readonly audienceUrl: string | undefined;
  readonly origins: readonly string[];
}

export interface LabServer {
  readonly config: ResolvedConfig;
  readonly auth: Auth<Student>;
  /** The hands-on class, with --hands-on. */
  readonly handsOn: HandsOn | undefined;
  readonly labs: LoadedLabs;
  readonly sandbox: Sandbox;
  readonly registry: SessionRegistry;
  readonly gateway: Gateway;
  /** Sockets of the standalone server that have not authenticated yet (capped). */
  readonly pendingSockets: PendingSockets;
  labInfos(): LabInfo[];
  /** Standalone: an HTTP server on config.host:config.port serving the deck, the API and /ws. */
  listen(): Promise<Listening>;
  /** For another HTTP server (Vite): answers the token exchange and /api/status, else returns false. */
  handleRequest(request: IncomingMessage, response: ServerResponse): boolean;
  /** For another HTTP server: takes /ws upgrades, leaves the others alone (returns false). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** The own origins of a server on `port` (loopback names, the bound address), plus configured ones. */
  allowPort(port: number): void;
  /** Start URLs for a server on `port`. */
  urls(port: number): { readonly url: string; readonly audienceUrl: string | undefined };
  /** Ends every session (their processes included), closes connections and the HTTP server. */
  close(): Promise<void>;
  /** Last resort on process exit: SIGKILL every lab process, synchronously. */
  killNow(): void;
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);
/** How long the lab list sent to pages reuses a readiness check (a new session always checks afresh). */
const READINESS_TTL_MS = 5000;

/**
 * A hands-on class needs the server to switch accounts (root) and the pool of student accounts that
 * labs/setup-user.sh makes; without them it says what to do rather than run students as one account.
 */
async function startHandsOn(
  config: ResolvedConfig,
  sandbox: Sandbox,
  labs: ReadonlyMap<string, LabDefinition>,
  registry: SessionRegistry,
): Promise<HandsOn> {
  if (!sandbox.account) {
    throw new SandboxError(
      '--hands-on : lancez le serveur en root (sudo) : chaque élève a son propre compte, ce qu’un serveur sans root ne peut pas faire.',
    );
  }
  // Loaded only for a hands-on class: a presenter's server does without them (resident memory at idle).
  const [{ HandsOn }, { StudentAccounts }] = await Promise.all([
    import('./hands-on.ts'),
    import('./student-accounts.ts'),
  ]);
  const accounts = StudentAccounts.find(config.labUser, config.maxStudents);
  if (accounts.size === 0) {
    throw new SandboxError(
      `--hands-on : aucun compte d’élève (${config.labUser}-e01…) : lancez sudo COURS_LAB_STUDENTS=${config.maxStudents} bash labs/setup-user.sh.`,
    );
  }
  if (accounts.size < config.maxStudents) {
    console.error(
      `lab server: ${accounts.size} comptes d’élèves seulement : la classe en prendra ${accounts.size} (COURS_LAB_STUDENTS=${config.maxStudents} bash labs/setup-user.sh pour plus).`,
    );
  }
  return new HandsOn(config, sandbox, accounts, labs, registry);
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function createLabServer(config: ResolvedConfig): Promise<LabServer> {
  const labs = loadLabs(config.labsDir);
  const sandbox = resolveSandbox(config);
  // One per server, disposed with it: the screens' parsing and the connections' sends, once per turn.
  const parse = parseScheduler();
  const flush = flushScheduler();
  const registry = new SessionRegistry(config, sandbox, parse);
  const auth = new Auth<Student>(config.audience, config.tls !== undefined);
  const handsOn = config.handsOn ? await startHandsOn(config, sandbox, labs.labs, registry) : undefined;
  auth.students = handsOn;
  const scheme = config.tls ? 'https' : 'http';
  const origins = new Set<string>(config.allowOrigins);
  const readiness = (lab: LabDefinition): Readiness => checkReadiness(lab, labPath(lab, config.env));
  const listed = cachedReadiness(readiness, READINESS_TTL_MS);
  const labInfos = (): LabInfo[] =>
    [...labs.labs.values()].map((lab) => {
      const reason = readinessReason(listed(lab));
      const exercises = Object.keys(lab.exercises);
      const info = {
        id: lab.id,
        title: lab.title,
        ready: reason === undefined,
        commands: Object.keys(lab.commands),
        ...(exercises.length > 0 ? { exercises } : {}),
      };
      return reason === undefined ? info : { ...info, reason };
    });
  // Sockets of the standalone HTTP server until they authenticate (Vite's own server has its limits).
  const pending = new PendingSockets();
  const gateway = new Gateway({
    auth,
    maxClients: config.maxClients,
    maxPerAddress: config.maxPerAddress,
    onAuthenticated: (socket) => pending.settle(socket),
    origins: () => origins,
    context: { labs: labs.labs, registry, readiness, labInfos, slides: new SlideRoom(), handsOn, flush },
  });
  const api = createApiHandler(auth, labInfos, (request, response) =>
    handleJoin(request, response, auth, handsOn, () => origins),
  );
  let httpServer: Server | undefined;
  let closing: Promise<void> | undefined;

  const allowPort = (port: number): void => {
    auth.setPort(port);
    const hosts = ['127.0.0.1', 'localhost', '[::1]'];
    if (WILDCARD.has(config.host)) {
      for (const list of Object.values(networkInterfaces())) {
        for (const address of list ?? []) if (address.family === 'IPv4') hosts.push(address.address);
      }
    } else {
      hosts.push(hostForUrl(config.host));
    }
    for (const host of hosts) origins.add(`${scheme}://${host}:${port}`);
  };
  const urls = (port: number) => {
    const host = WILDCARD.has(config.host) ? '127.0.0.1' : hostForUrl(config.host);
    const base = `${scheme}://${host}:${port}/`;
    return {
      url: `${base}?token=${auth.presenterToken}`,
      audienceUrl: auth.audienceToken === undefined ? undefined : `${base}?audience=${auth.audienceToken}`,
    };
  };

  const server: LabServer = {
    config,
    auth,
    handsOn,
    labs,
    sandbox,
    registry,
    gateway,
    pendingSockets: pending,
    labInfos,
    handleRequest: api,
    handleUpgrade: (request, socket, head) => gateway.handleUpgrade(request, socket, head),
    allowPort,
    urls,
    async listen() {
      const handler = createRequestHandler(api, createStaticHandler(config.distDir));
      const http = config.tls
        ? createTlsServer({ cert: config.tls.cert, key: config.tls.key }, handler)
        : createServer(handler);
      httpServer = http;
      http.on('connection', pending.accept);
      http.headersTimeout = HEADERS_TIMEOUT_MS;
      http.requestTimeout = REQUEST_TIMEOUT_MS;
      http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (!gateway.handleUpgrade(request, socket, head)) {
          socket.on('error', () => socket.destroy());
          socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        }
      });
      http.on('clientError', (_error, socket) => socket.destroy());
      http.listen(config.port, config.host);
      await Promise.race([once(http, 'listening'), once(http, 'error').then(([error]) => Promise.reject(error))]);
      const { port } = http.address() as AddressInfo;
      allowPort(port);
      return { port, ...urls(port), origins: [...origins] };
    },
    close() {
      closing ??= (async () => {
        httpServer?.close();
        // The class first: its students' projects and accounts are the server's to remove, not the next one's.
        await handsOn?.endClass();
        handsOn?.dispose();
        // Pages learn why (detached: shutdown) before their socket closes; the shells are stopped meanwhile.
        const ended = registry.shutdown('shutdown');
        gateway.closeAll();
        await ended;
        gateway.terminateAll();
        gateway.dispose();
        parse.dispose();
        flush.dispose();
        httpServer?.closeAllConnections();
      })();
      return closing;
    },
    killNow() {
      const sandboxed = sandbox.isolated;
      for (const session of registry.list())
        if (session.pid !== undefined) signalSession(session.pid, 'SIGKILL', { sandboxed });
    },
  };
  return server;
}
