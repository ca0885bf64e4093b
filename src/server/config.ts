/**
 * Command line and environment, resolved once into a frozen ResolvedConfig (like Slidev's
 * resolveOptions and the ws constructor's merged defaults); a bad flag throws a ConfigError that names it,
 * and main.ts exits with that message. Nothing else in the server reads argv or process.env.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GRACE_MS, IDLE_MS, MAX_CLIENTS, MAX_SESSIONS, SLOW_VIEWER_MS } from '../protocol/limits.ts';
import { lanAddress, readTls, type TlsFiles } from './classroom.ts';
import { ConfigError } from './config-error.ts';
import { DEFAULT_MAX_STUDENTS, DEFAULT_MAX_VMS, MAX_CLIENTS_PER_ADDRESS, PRESENTER_RESERVED_CLIENTS, STUDENT_MAX_SESSIONS } from './server-limits.ts';

export type SandboxMode = 'auto' | 'bwrap' | 'none';

export interface ResolvedConfig {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly labsDir: string;
  readonly stateDir: string;
  readonly distDir: string;
  /** When set, every session is recorded there as asciicast v2 (--record). */
  readonly recordDir: string | undefined;
  /** Extra exact origins accepted on the WebSocket upgrade, besides the server's own. */
  readonly allowOrigins: readonly string[];
  /** Print an audience (view-only) URL. */
  readonly audience: boolean;
  /** --classroom: on the LAN, with the audience URL and its QR code. */
  readonly classroom: boolean;
  /** --hands-on: the audience may join as students, each with labs of their own (implies the audience URL). */
  readonly handsOn: boolean;
  /** Students a hands-on class takes (--max-students). */
  readonly maxStudents: number;
  /** VMs the students of a hands-on class may run at once, all together (--max-vms). */
  readonly maxVms: number;
  /** HTTPS (and WSS) with this certificate and key. */
  readonly tls: TlsFiles | undefined;
  readonly sandbox: SandboxMode;
  /** Account lab shells run as when the server runs as root (labs/setup-user.sh creates it). */
  readonly labUser: string;
  readonly graceMs: number;
  readonly idleMs: number;
  readonly slowViewerMs: number;
  readonly maxSessions: number;
  readonly maxClients: number;
  /** WebSocket connections one address may hold, per role (presenter, audience). */
  readonly maxPerAddress: number;
  /** The server's environment, the only source of the variables a lab's env.allow lets through. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Things worth telling the person who started the server (e.g. listening beyond loopback). */
  readonly warnings: readonly string[];
}

export { ConfigError };

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const USAGE = `Usage : npm start -- [options]   (ou node dist-server/server/main.js [options])
  --port N            port d'écoute (défaut 8020, 0 = libre) ; env LAB_SERVER_PORT
  --host ADRESSE      adresse d'écoute (défaut 127.0.0.1) ; env LAB_SERVER_HOST
  --labs DOSSIER      définitions des labs (défaut labs/)
  --state DOSSIER     dossiers de travail des sessions (défaut .state/)
  --dist DOSSIER      diaporama construit (défaut dist/)
  --record DOSSIER    enregistre chaque session (asciicast v2, secrets masqués) dans ce dossier
  --allow-origin URL  origine supplémentaire acceptée (répétable) ; env LAB_SERVER_ALLOW_ORIGIN=a,b
  --audience          affiche aussi une adresse pour le public (lecture seule)
  --classroom         salle de classe : écoute sur le réseau local (--host, sinon la 1re adresse IPv4),
                      adresse et QR code du public, qui suit les diapositives du présentateur
  --hands-on          classe pratique : chaque élève rejoint avec son nom et a ses propres labs
                      (serveur en root, comptes d'élèves créés par labs/setup-user.sh)
  --max-students N    élèves d'une classe pratique (défaut ${DEFAULT_MAX_STUDENTS})
  --max-vms N         VM en marche pour toute la classe pratique (défaut ${DEFAULT_MAX_VMS})
  --tls-cert FICHIER  certificat PEM (HTTPS) ; avec --tls-key FICHIER, sa clé privée
  --sandbox MODE      auto | bwrap | none (défaut auto : bwrap s'il fonctionne)
  --lab-user NOM      compte des shells quand le serveur tourne en root (défaut cours-lab)
  --grace S           secondes de survie d'une session sans client (défaut ${GRACE_MS / 1000})
  --idle S            secondes sans saisie avant de fermer une session (défaut ${IDLE_MS / 1000})
  --slow-viewer S     secondes de retard avant de déconnecter un spectateur (défaut ${SLOW_VIEWER_MS / 1000})
  --max-sessions N    (défaut ${MAX_SESSIONS})
  --max-clients N     connexions en tout (défaut ${MAX_CLIENTS}), dont ${PRESENTER_RESERVED_CLIENTS} réservées au présentateur
  --max-per-address N connexions d'une même adresse, par rôle (défaut ${MAX_CLIENTS_PER_ADDRESS})`;

const VALUE_FLAGS = new Set([
  'port', 'host', 'labs', 'state', 'dist', 'record', 'allow-origin', 'tls-cert', 'tls-key', 'sandbox', 'lab-user',
  'grace', 'idle', 'slow-viewer', 'max-sessions', 'max-clients', 'max-per-address', 'max-students', 'max-vms',
]);
const BOOLEAN_FLAGS = new Set(['audience', 'classroom', 'hands-on', 'help']);
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function integerFlag(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`--${flag} : entier entre ${min} et ${max} attendu, reçu « ${raw} »`);
  }
  return value;
}

function secondsFlag(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 7 * 24 * 3600) {
    throw new ConfigError(`--${flag} : durée en secondes attendue (> 0), reçu « ${raw} »`);
  }
  return Math.round(value * 1000);
}

/** An exact origin (scheme://host[:port]): the allow-list compares strings, so no path, no slash. */
function originFlag(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`--allow-origin : URL attendue, reçu « ${raw} »`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== raw) {
    throw new ConfigError(`--allow-origin : origine exacte attendue (ex. http://192.168.1.10:8020), reçu « ${raw} »`);
  }
  return raw;
}

/** Splits argv into flag -> values; throws on unknown flags, missing values and stray arguments. */
function readFlags(argv: readonly string[]): Map<string, string[]> {
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match?.[1]) throw new ConfigError(`argument inattendu « ${arg} »\n${USAGE}`);
    const name = match[1];
    let value = match[2];
    if (BOOLEAN_FLAGS.has(name)) {
      if (value !== undefined) throw new ConfigError(`--${name} ne prend pas de valeur`);
      value = 'true';
    } else if (VALUE_FLAGS.has(name)) {
      if (value === undefined) {
        value = argv[i + 1];
        i++;
        if (value === undefined || value.startsWith('--')) throw new ConfigError(`--${name} : valeur manquante`);
      }
    } else {
      throw new ConfigError(`option inconnue --${name}\n${USAGE}`);
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return flags;
}

export function resolveConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  root: string = PROJECT_ROOT,
): ResolvedConfig {
  const flags = readFlags(argv);
  if (flags.has('help')) throw new ConfigError(USAGE);
  const last = (name: string, envName?: string): string | undefined => {
    const values = flags.get(name);
    if (values !== undefined) {
      if (values.length > 1) throw new ConfigError(`--${name} donné plusieurs fois`);
      return values[0];
    }
    return envName === undefined ? undefined : env[envName] || undefined;
  };
  const dir = (name: string, fallback: string): string => {
    const value = last(name);
    if (value === '') throw new ConfigError(`--${name} : dossier attendu`);
    return value === undefined ? join(root, fallback) : isAbsolute(value) ? value : resolve(value);
  };

  const warnings: string[] = [];
  const classroom = flags.has('classroom');
  const tls = readTls(last('tls-cert'), last('tls-key'));
  const lan = classroom && last('host', 'LAB_SERVER_HOST') === undefined ? lanAddress() : undefined;
  if (classroom && lan === undefined && last('host', 'LAB_SERVER_HOST') === undefined) {
    throw new ConfigError('--classroom : aucune adresse de réseau local sur cette machine ; donnez-la avec --host ADRESSE');
  }
  const host = lan ?? last('host', 'LAB_SERVER_HOST') ?? '127.0.0.1';
  if (classroom && tls === undefined) {
    warnings.push(
      'Salle de classe sans TLS : les pages et les terminaux circulent en clair sur le réseau local. ' +
        'Donnez --tls-cert et --tls-key pour du HTTPS.',
    );
  }
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) throw new ConfigError(`--host : adresse attendue, reçu « ${host} »`);
  if (!isLoopbackHost(host) && !classroom && tls === undefined) {
    warnings.push(
      `Écoute sur ${host} : le serveur est joignable depuis le réseau (les terminaux restent protégés par ` +
        'le jeton, mais le trafic n’est pas chiffré : réseau de confiance uniquement).',
    );
  }
  const portRaw = last('port', 'LAB_SERVER_PORT');
  const sandbox = last('sandbox') ?? 'auto';
  if (sandbox !== 'auto' && sandbox !== 'bwrap' && sandbox !== 'none') {
    throw new ConfigError(`--sandbox : auto, bwrap ou none attendu, reçu « ${sandbox} »`);
  }
  const labUser = last('lab-user') ?? 'cours-lab';
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(labUser)) throw new ConfigError(`--lab-user : nom de compte attendu, reçu « ${labUser} »`);
  const envOrigins = (env['LAB_SERVER_ALLOW_ORIGIN'] ?? '').split(',').filter((o) => o.trim() !== '');
  const origins = [...envOrigins.map((o) => o.trim()), ...(flags.get('allow-origin') ?? [])].map(originFlag);

  const graceRaw = last('grace');
  const idleRaw = last('idle');
  const slowRaw = last('slow-viewer');
  const maxSessionsRaw = last('max-sessions');
  const maxClientsRaw = last('max-clients');
  const maxPerAddressRaw = last('max-per-address');
  const handsOn = flags.has('hands-on');
  const maxStudentsRaw = last('max-students');
  const maxVmsRaw = last('max-vms');
  if ((maxStudentsRaw !== undefined || maxVmsRaw !== undefined) && !handsOn) throw new ConfigError('--max-students et --max-vms vont avec --hands-on');
  const maxStudents = maxStudentsRaw === undefined ? DEFAULT_MAX_STUDENTS : integerFlag('max-students', maxStudentsRaw, 1, 500);
  // Each student may hold STUDENT_MAX_SESSIONS sessions: the server-wide cap grows with the class.
  const defaultSessions = handsOn ? MAX_SESSIONS + maxStudents * STUDENT_MAX_SESSIONS : MAX_SESSIONS;
  return Object.freeze({
    host,
    port: portRaw === undefined ? 8020 : integerFlag('port', portRaw, 0, 65535),
    labsDir: dir('labs', 'labs'),
    stateDir: dir('state', '.state'),
    distDir: dir('dist', 'dist'),
    recordDir: flags.has('record') ? dir('record', '') : undefined,
    allowOrigins: Object.freeze([...new Set(origins)]),
    audience: flags.has('audience') || classroom || handsOn,
    classroom,
    handsOn,
    maxStudents,
    maxVms: maxVmsRaw === undefined ? DEFAULT_MAX_VMS : integerFlag('max-vms', maxVmsRaw, 0, 1000),
    tls,
    sandbox,
    labUser,
    graceMs: graceRaw === undefined ? GRACE_MS : secondsFlag('grace', graceRaw),
    idleMs: idleRaw === undefined ? IDLE_MS : secondsFlag('idle', idleRaw),
    slowViewerMs: slowRaw === undefined ? SLOW_VIEWER_MS : secondsFlag('slow-viewer', slowRaw),
    maxSessions: maxSessionsRaw === undefined ? defaultSessions : integerFlag('max-sessions', maxSessionsRaw, 1, 5000),
    // Above the presenter's reserve, so that the audience can have at least one connection.
    maxClients: maxClientsRaw === undefined ? MAX_CLIENTS : integerFlag('max-clients', maxClientsRaw, PRESENTER_RESERVED_CLIENTS + 1, 10_000),
    maxPerAddress: maxPerAddressRaw === undefined ? MAX_CLIENTS_PER_ADDRESS : integerFlag('max-per-address', maxPerAddressRaw, 1, 10_000),
    env: Object.freeze({ ...env }),
    warnings: Object.freeze(warnings),
  });
}
