/**
 * Command line and environment, resolved once into a frozen ResolvedConfig (like Slidev's
 * resolveOptions and the ws constructor's merged defaults); a bad flag throws a ConfigError that names it,
 * and main.ts exits with that message. Nothing else in the server reads argv or process.env.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GRACE_MS, IDLE_MS, MAX_CLIENTS, MAX_SESSIONS, SLOW_VIEWER_MS } from '../protocol/limits.ts';
import {
  array,
  map,
  object,
  oneOf,
  optional,
  pattern,
  string,
  where,
  withDefault,
  withMessage,
  type Infer,
  type Problem,
  type Schema,
} from '../protocol/schema.ts';
import { lanAddress, readTls, type TlsFiles } from './classroom.ts';
import { ConfigError } from './config-error.ts';
import {
  DEFAULT_MAX_STUDENTS,
  DEFAULT_MAX_VMS,
  MAX_CLIENTS_PER_ADDRESS,
  PRESENTER_RESERVED_CLIENTS,
  STUDENT_MAX_SESSIONS,
} from './server-limits.ts';

const sandboxMode = withMessage(oneOf('auto', 'bwrap', 'none'), 'auto, bwrap ou none attendu');
export type SandboxMode = Infer<typeof sandboxMode>;

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
  'port',
  'host',
  'labs',
  'state',
  'dist',
  'record',
  'allow-origin',
  'tls-cert',
  'tls-key',
  'sandbox',
  'lab-user',
  'grace',
  'idle',
  'slow-viewer',
  'max-sessions',
  'max-clients',
  'max-per-address',
  'max-students',
  'max-vms',
]);
const BOOLEAN_FLAGS = new Set(['audience', 'classroom', 'hands-on', 'help']);
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A flag's whole number, as typed: digits only, within [min, max]. */
function count(min: number, max: number): Schema<number> {
  return map(
    string(
      `entier entre ${min} et ${max} attendu`,
      (raw) => /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max,
    ),
    Number,
  );
}

/** Seconds as typed (decimals allowed), up to a week; the result is in milliseconds. */
const seconds = map(
  string(
    'durée en secondes attendue (> 0)',
    (raw) => Number.isFinite(Number(raw)) && Number(raw) > 0 && Number(raw) <= 7 * 24 * 3600,
  ),
  (raw) => Math.round(Number(raw) * 1000),
);

function parsesAsUrl(raw: string): boolean {
  try {
    new URL(raw);
    return true;
  } catch {
    return false;
  }
}

/** An exact origin (scheme://host[:port]): the allow-list compares strings, so no path, no slash. */
const origin = where(
  string('URL attendue', parsesAsUrl),
  (raw) => {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === raw;
  },
  'origine exacte attendue (ex. http://192.168.1.10:8020)',
);

/** The flags that take a value, as given (the last occurrence, or its environment variable), by name. */
const flagValues = object({
  /** Given, or the LAN's address with --classroom, or loopback. */
  host: pattern(/^[A-Za-z0-9.:_-]+$/, 'adresse attendue'),
  port: optional(count(0, 65535)),
  sandbox: withDefault(sandboxMode, 'auto'),
  'lab-user': withDefault(pattern(/^[a-z_][a-z0-9_-]{0,31}$/, 'nom de compte attendu'), 'cours-lab'),
  'allow-origin': array(origin),
  grace: optional(seconds),
  idle: optional(seconds),
  'slow-viewer': optional(seconds),
  'max-sessions': optional(count(1, 5000)),
  // Above the presenter's reserve, so that the audience can have at least one connection.
  'max-clients': optional(count(PRESENTER_RESERVED_CLIENTS + 1, 10_000)),
  'max-per-address': optional(count(1, 10_000)),
  'max-students': optional(count(1, 500)),
  'max-vms': optional(count(0, 1000)),
});

type RawFlags = Readonly<Record<string, string | readonly string[] | undefined>>;
/** Flags that an environment variable may give instead (the flag wins). */
const FLAG_ENV: Readonly<Record<string, string>> = { host: 'LAB_SERVER_HOST', port: 'LAB_SERVER_PORT' };

/** « --port : entier entre 0 et 65535 attendu, reçu « 70000 » » */
function flagError(raw: RawFlags, { path, expected }: Problem): ConfigError {
  const [flag, index] = path;
  const given = raw[String(flag)];
  const shown = typeof given === 'string' || typeof index !== 'number' ? given : given?.[index];
  return new ConfigError(`--${String(flag)} : ${expected}, reçu « ${String(shown)} »`);
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
    throw new ConfigError(
      '--classroom : aucune adresse de réseau local sur cette machine ; donnez-la avec --host ADRESSE',
    );
  }
  const host = lan ?? last('host', 'LAB_SERVER_HOST') ?? '127.0.0.1';
  if (classroom && tls === undefined) {
    warnings.push(
      'Salle de classe sans TLS : les pages et les terminaux circulent en clair sur le réseau local. ' +
        'Donnez --tls-cert et --tls-key pour du HTTPS.',
    );
  }
  const envOrigins = (env['LAB_SERVER_ALLOW_ORIGIN'] ?? '').split(',').filter((o) => o.trim() !== '');
  const raw: Record<string, string | readonly string[] | undefined> = {
    // The one repeatable flag: every occurrence counts, after the environment's comma-separated list.
    'allow-origin': [...envOrigins.map((o) => o.trim()), ...(flags.get('allow-origin') ?? [])],
  };
  for (const name of Object.keys(flagValues.shape)) if (name !== 'allow-origin') raw[name] = last(name, FLAG_ENV[name]);
  raw['host'] = host;
  const checked = flagValues.check(raw);
  if (!checked.ok) throw flagError(raw, checked.problem);
  const values = checked.value;
  if (!isLoopbackHost(host) && !classroom && tls === undefined) {
    warnings.push(
      `Écoute sur ${host} : le serveur est joignable depuis le réseau (les terminaux restent protégés par ` +
        'le jeton, mais le trafic n’est pas chiffré : réseau de confiance uniquement).',
    );
  }
  const handsOn = flags.has('hands-on');
  if ((values['max-students'] !== undefined || values['max-vms'] !== undefined) && !handsOn) {
    throw new ConfigError('--max-students et --max-vms vont avec --hands-on');
  }
  const maxStudents = values['max-students'] ?? DEFAULT_MAX_STUDENTS;
  // Each student may hold STUDENT_MAX_SESSIONS sessions: the server-wide cap grows with the class.
  const defaultSessions = handsOn ? MAX_SESSIONS + maxStudents * STUDENT_MAX_SESSIONS : MAX_SESSIONS;
  return Object.freeze({
    host: values.host,
    port: values.port ?? 8020,
    labsDir: dir('labs', 'labs'),
    stateDir: dir('state', '.state'),
    distDir: dir('dist', 'dist'),
    recordDir: flags.has('record') ? dir('record', '') : undefined,
    allowOrigins: Object.freeze([...new Set(values['allow-origin'])]),
    audience: flags.has('audience') || classroom || handsOn,
    classroom,
    handsOn,
    maxStudents,
    maxVms: values['max-vms'] ?? DEFAULT_MAX_VMS,
    tls,
    sandbox: values.sandbox,
    labUser: values['lab-user'],
    graceMs: values.grace ?? GRACE_MS,
    idleMs: values.idle ?? IDLE_MS,
    slowViewerMs: values['slow-viewer'] ?? SLOW_VIEWER_MS,
    maxSessions: values['max-sessions'] ?? defaultSessions,
    maxClients: values['max-clients'] ?? MAX_CLIENTS,
    maxPerAddress: values['max-per-address'] ?? MAX_CLIENTS_PER_ADDRESS,
    env: Object.freeze({ ...env }),
    warnings: Object.freeze(warnings),
  });
}
