// Keystone answers concurrent requests each with its own token. Tempest, run with two workers against the lab
// cloud, failed two application-credential tests where a user holding only `member` was checked as if
// `admin`, which fits Keystone Zed sharing a validated token between the threads of one uwsgi process:
// labs/cloud/up now runs it as several processes of one thread. Here three identities authenticate and
// validate tokens at the same time, many times: `boss` (admin of a project), `member` (only member of
// another), and `restricted` (boss's application credential limited to `member`, the Tempest case). Every
// answer must carry its own identity's roles and project; every admin-only call of the two members must be
// refused. Real cloud (labs/cloud/up); it fails, never skips, when the cloud is not up.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, idOf, issueToken, keystone, requireCloud, type AppCredential, type PasswordAuth } from './lab-cloud.ts';

const ROUNDS = 120;
/** Rounds in flight at once; each round sends 3 then 6 requests together (up to ~24 in flight). */
const PARALLEL_ROUNDS = 4;

interface Identity {
  readonly user: string;
  readonly project: string;
  readonly roles: string;
}

/** Who a token body says it is: user id, project id, sorted role names. */
function identityOf(body: unknown): Identity {
  type Token = { user?: { id?: string }; project?: { id?: string }; roles?: { name?: string }[] };
  const token = (body as { token?: Token } | null)?.token;
  return {
    user: token?.user?.id ?? '?',
    project: token?.project?.id ?? '?',
    roles: (token?.roles ?? []).map((r) => r.name ?? '?').sort().join(','),
  };
}

describe('Keystone : requêtes concurrentes de plusieurs identités', () => {
  const suffix = randomBytes(4).toString('hex');
  const description = 'test keystone-concurrency, supprimé en fin de test';
  let adminToken = '';
  const created: { users: string[]; projects: string[] } = { users: [], projects: [] };
  const boss: PasswordAuth = { username: `kc-${suffix}-admin`, password: randomBytes(12).toString('hex'), project: `kc-${suffix}-a` };
  const member: PasswordAuth = { username: `kc-${suffix}-member`, password: randomBytes(12).toString('hex'), project: `kc-${suffix}-m` };
  let restricted: AppCredential = { id: '', secret: '' };
  const expected = new Map<string, Identity>();
  const nameOf = (who: PasswordAuth | AppCredential) => ('secret' in who ? 'crédit restreint' : who.username);

  beforeAll(async () => {
    await requireCloud();
    adminToken = (await issueToken(adminAuth())).token;
    const roleId = async (name: string) => idOf(await keystone('GET', `/roles?name=${name}`, adminToken), 'roles', `le rôle ${name}`);
    const [adminRole, memberRole] = [await roleId('admin'), await roleId('member')];
    let bossId = '';
    for (const [who, role] of [[boss, adminRole], [member, memberRole]] as const) {
      const project = await keystone('POST', '/projects', adminToken, { project: { name: who.project, domain_id: 'default', description } });
      const projectId = idOf(project, 'project', `le projet ${who.project}`);
      created.projects.push(projectId);
      const user = await keystone('POST', '/users', adminToken, {
        user: { name: who.username, password: who.password, domain_id: 'default', description },
      });
      const userId = idOf(user, 'user', `l'utilisateur ${who.username}`);
      created.users.push(userId);
      if (who === boss) bossId = userId;
      expect((await keystone('PUT', `/projects/${projectId}/users/${userId}/roles/${role}`, adminToken)).status).toBe(204);
      // The reference: one token issued alone, before any concurrency.
      expected.set(who.username, identityOf((await issueToken(who)).body));
    }
    // What Tempest's application-credential tests do: an admin makes a credential that holds only `member`.
    const bossToken = (await issueToken(boss)).token;
    const credential = await keystone('POST', `/users/${bossId}/application_credentials`, bossToken, {
      application_credential: { name: `kc-${suffix}`, roles: [{ name: 'member' }] },
    });
    const secret = (credential.body as { application_credential?: { secret?: string } } | null)?.application_credential?.secret;
    restricted = { id: idOf(credential, 'application_credential', 'le crédit d’application'), secret: secret ?? '' };
    expected.set(nameOf(restricted), identityOf((await issueToken(restricted)).body));
    expect(expected.get(boss.username)?.roles).toContain('admin');
    expect(expected.get(member.username)?.roles).not.toContain('admin');
    expect(expected.get(nameOf(restricted))?.roles).not.toContain('admin');
    expect(expected.get(nameOf(restricted))?.user).toBe(bossId);
  }, 60_000);

  afterAll(async () => {
    // Deleting a user deletes its application credentials.
    for (const id of created.users) await keystone('DELETE', `/users/${id}`, adminToken).catch(() => undefined);
    for (const id of created.projects) await keystone('DELETE', `/projects/${id}`, adminToken).catch(() => undefined);
  });

  it(`${ROUNDS} tours : chaque réponse porte les rôles et le projet de sa propre identité`, async () => {
    const wrong: string[] = [];
    let requests = 0;
    let refused = 0;
    const check = (what: string, who: PasswordAuth | AppCredential, body: unknown) => {
      const seen = JSON.stringify(identityOf(body));
      const want = JSON.stringify(expected.get(nameOf(who)));
      if (seen !== want) wrong.push(`${what} : ${seen} au lieu de ${want}`);
    };
    const expectStatus = (what: string, status: number, want: number) => {
      if (status !== want) wrong.push(`${what} : HTTP ${status} au lieu de ${want}`);
      else if (want === 403) refused += 1;
    };

    const round = async (n: number) => {
      const [a, m, r] = await Promise.all([issueToken(boss), issueToken(member), issueToken(restricted)]);
      check(`tour ${n}, jeton émis pour ${boss.username}`, boss, a.body);
      check(`tour ${n}, jeton émis pour ${member.username}`, member, m.body);
      check(`tour ${n}, jeton émis pour le crédit restreint`, restricted, r.body);
      const [selfM, selfR, crossM, usersM, usersR, usersA] = await Promise.all([
        keystone('GET', '/auth/tokens', m.token, undefined, m.token),
        keystone('GET', '/auth/tokens', r.token, undefined, r.token),
        keystone('GET', '/auth/tokens', a.token, undefined, m.token),
        keystone('GET', '/users?limit=1', m.token),
        keystone('GET', '/users?limit=1', r.token),
        keystone('GET', '/users?limit=1', a.token),
      ]);
      requests += 9;
      check(`tour ${n}, ${member.username} valide son jeton`, member, selfM.body);
      check(`tour ${n}, le crédit restreint valide son jeton`, restricted, selfR.body);
      check(`tour ${n}, ${boss.username} valide le jeton de ${member.username}`, member, crossM.body);
      expectStatus(`tour ${n}, GET /v3/users par ${member.username}`, usersM.status, 403);
      expectStatus(`tour ${n}, GET /v3/users par le crédit restreint`, usersR.status, 403);
      expectStatus(`tour ${n}, GET /v3/users par ${boss.username}`, usersA.status, 200);
    };

    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL_ROUNDS }, async () => {
        while (next < ROUNDS) await round(next++);
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    console.info(
      `keystone-concurrency : ${ROUNDS} tours, ${requests} requêtes en ${seconds.toFixed(1)} s ` +
        `(${(requests / seconds).toFixed(1)} req/s) ; ${refused} refus 403 sur ${2 * ROUNDS} attendus ; ` +
        `${wrong.length} réponse(s) fausse(s)`,
    );
    expect(wrong.slice(0, 10), `${wrong.length} réponse(s) fausse(s) sur ${requests}`).toEqual([]);
    expect(refused).toBe(2 * ROUNDS);
  }, 600_000);
});
