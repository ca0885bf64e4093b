// What the tests of the lab cloud share: where its state is, the admin's credentials (from the cloud's own
// clouds.yaml), Keystone's API through Node's fetch, and one clear failure when the cloud is not up. CI starts
// the cloud before `npm test`: a test that needs it fails, never skips, so a missing cloud cannot pass unseen.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const CLOUD_DIR = join(import.meta.dirname, '..', '..', 'labs', 'cloud');
export const STATE_DIR = process.env['LAB_CLOUD_STATE'] ?? join(CLOUD_DIR, 'state');
export const KEYSTONE = 'http://127.0.0.1:5000/v3';

export interface PasswordAuth {
  readonly username: string;
  readonly password: string;
  readonly project: string;
}

/** Throws, in French, what to do when the lab cloud is not there: the test then fails with that message. */
export async function requireCloud(): Promise<void> {
  const clouds = join(STATE_DIR, 'clouds.yaml');
  if (!existsSync(clouds)) {
    throw new Error(`le cloud du lab n'a jamais démarré (${clouds} absent) : lancez bash labs/cloud/up en root`);
  }
  const answer = await fetch(KEYSTONE, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
  if (answer?.ok !== true) {
    throw new Error('le cloud du lab ne répond pas (Keystone, 127.0.0.1:5000) : lancez bash labs/cloud/up en root');
  }
}

/** The `admin` cloud of the lab cloud's clouds.yaml. */
export function adminAuth(): PasswordAuth {
  const doc: unknown = parse(readFileSync(join(STATE_DIR, 'clouds.yaml'), 'utf8'));
  const auth = (doc as { clouds?: { admin?: { auth?: Record<string, unknown> } } }).clouds?.admin?.auth;
  const { username, password, project_name: project } = auth ?? {};
  if (typeof username !== 'string' || typeof password !== 'string' || typeof project !== 'string') {
    throw new Error(`pas de cloud admin complet dans ${join(STATE_DIR, 'clouds.yaml')} : relancez bash labs/cloud/up`);
  }
  return { username, password, project };
}

export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly subjectToken: string | null;
}

/** One Keystone call; the body is parsed JSON, or null when there is none. */
export async function keystone(method: string, path: string, token?: string, body?: unknown, subject?: string): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers['x-auth-token'] = token;
  if (subject !== undefined) headers['x-subject-token'] = subject;
  const answer = await fetch(`${KEYSTONE}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await answer.text();
  return { status: answer.status, body: text === '' ? null : (JSON.parse(text) as unknown), subjectToken: answer.headers.get('x-subject-token') };
}

/** An application credential's id and secret: its token is scoped to the project it was made in. */
export interface AppCredential {
  readonly id: string;
  readonly secret: string;
}

/** A token (POST /v3/auth/tokens), project-scoped for a password, and the token's body. */
export async function issueToken(auth: PasswordAuth | AppCredential): Promise<{ token: string; body: unknown }> {
  const request =
    'secret' in auth
      ? { identity: { methods: ['application_credential'], application_credential: { id: auth.id, secret: auth.secret } } }
      : {
          identity: {
            methods: ['password'],
            password: { user: { name: auth.username, domain: { id: 'default' }, password: auth.password } },
          },
          scope: { project: { name: auth.project, domain: { id: 'default' } } },
        };
  const answer = await keystone('POST', '/auth/tokens', undefined, { auth: request });
  if (answer.status !== 201 || answer.subjectToken === null) {
    const who = 'secret' in auth ? `du crédit d'application ${auth.id}` : `de ${auth.username}`;
    throw new Error(`authentification ${who} refusée (HTTP ${answer.status}) : ${JSON.stringify(answer.body)}`);
  }
  return { token: answer.subjectToken, body: answer.body };
}

/**
 * The id under `key` of a Keystone answer: a created object (`{"user": {...}}`) or the first of a list
 * (`{"roles": [...]}`); an error naming what was looked for otherwise.
 */
export function idOf(answer: Answer, key: string, what: string): string {
  const value = (answer.body as Record<string, unknown> | null)?.[key];
  const object: unknown = Array.isArray(value) ? value[0] : value;
  const id = (object as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string') throw new Error(`${what} : pas d'identifiant dans la réponse de Keystone (HTTP ${answer.status})`);
  return id;
}

/** GET on any API of the cloud with a token: the status and the parsed JSON body. */
export async function getJson(url: string, token: string): Promise<{ status: number; body: unknown }> {
  const answer = await fetch(url, { headers: { 'x-auth-token': token }, signal: AbortSignal.timeout(60_000) });
  const text = await answer.text();
  return { status: answer.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}
