// labs/cloud/student against the real lab cloud: each student of the hands-on classroom gets an OpenStack
// project of their own. Two students create `vm1` with the real `openstack` client and their own clouds.yaml
// (cloud `demo`, as the slides use it): each sees only their own; neither sees the other's project nor the
// users. `remove` leaves nothing of theirs (checked as admin), and `purge` removes what a class left. It fails,
// never skips, when the cloud is not up (CI starts it before `npm test`). `purge` removes EVERY student
// project of the cloud: do not run this test while a class (or the bench's students) uses the same cloud.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_DIR, STATE_DIR, adminAuth, getJson, issueToken, requireCloud } from './lab-cloud.ts';

const run = promisify(execFile);
const STUDENT = join(CLOUD_DIR, 'student');
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs a command; a non-zero exit is an outcome, not a throw. */
async function outcome(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const { stdout, stderr } = await run(file, args, { env, timeout: timeoutMs });
    return { code: 0, stdout, stderr, seconds: (performance.now() - t0) / 1000 };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error), seconds: (performance.now() - t0) / 1000 };
  }
}

/** labs/cloud/student, as the lab server runs it (root, its environment without OS_* variables). */
const student = (...args: string[]) => outcome('bash', [STUDENT, ...args], { PATH, LANG: 'C.UTF-8', LAB_CLOUD_STATE: STATE_DIR });

/** The real openstack client with nothing but a clouds.yaml and a cloud name: what a student's shell has. */
function openstack(cloudsYaml: string, cloud: string, home: string) {
  return async (...args: string[]): Promise<Outcome> =>
    outcome('openstack', args, { PATH, HOME: home, LANG: 'C.UTF-8', OS_CLIENT_CONFIG_FILE: cloudsYaml, OS_CLOUD: cloud });
}

const json = <T>(o: Outcome): T => {
  if (o.code !== 0) throw new Error(`openstack a échoué (code ${o.code}) : ${o.stderr}`);
  return JSON.parse(o.stdout) as T;
};

describe('labs/cloud/student : un projet OpenStack par élève', () => {
  const suffix = randomBytes(3).toString('hex');
  const ids = [`t${suffix}a`, `t${suffix}b`, `t${suffix}c`] as const;
  const dirs = new Map<string, string>();
  const home = mkdtempSync(join(tmpdir(), 'student-project-home-'));
  const admin = openstack(join(STATE_DIR, 'clouds.yaml'), 'admin', home);
  const projectIds = new Map<string, string>();
  const timings: string[] = [];

  const dirOf = (id: string) => {
    const dir = dirs.get(id) ?? mkdtempSync(join(tmpdir(), `student-${id}-`));
    dirs.set(id, dir);
    return dir;
  };
  const as = (id: string) => openstack(join(dirOf(id), 'clouds.yaml'), 'demo', home);

  const adminToken = { token: '', project: '' };
  /** Admin queries of everything a project may own, filtered on its id: [URL, key of the list]. */
  const leftoverQueries = (project: string): [string, string][] => [
    [`http://127.0.0.1:8774/v2.1/servers?all_tenants=1&project_id=${project}`, 'servers'],
    [`http://127.0.0.1:8776/v3/${adminToken.project}/volumes?all_tenants=1&project_id=${project}`, 'volumes'],
    ...['networks', 'subnets', 'ports', 'routers', 'floatingips'].map(
      (kind): [string, string] => [`http://127.0.0.1:9696/v2.0/${kind}?project_id=${project}`, kind],
    ),
  ];
  /** The project's security groups, `default` included. Not with ?project_id=: Neutron would create the
   * project's `default` group to answer (securitygroups_db.get_security_groups). */
  const securityGroupsOf = async (project: string) => {
    const answer = await getJson('http://127.0.0.1:9696/v2.0/security-groups?fields=id&fields=project_id', adminToken.token);
    expect(answer.status).toBe(200);
    const groups = (answer.body as { security_groups: { id: string; project_id: string }[] }).security_groups;
    expect(groups.length).toBeGreaterThan(0); // the admin's own `default` at least: the list is real
    return groups.filter((g) => g.project_id === project);
  };

  beforeAll(async () => {
    await requireCloud();
    const issued = await issueToken(adminAuth());
    adminToken.token = issued.token;
    adminToken.project = (issued.body as { token?: { project?: { id?: string } } }).token?.project?.id ?? '?';
  });

  afterAll(async () => {
    for (const id of ids) if (dirs.has(id)) await student('remove', id, dirOf(id));
    for (const dir of [...dirs.values(), home]) rmSync(dir, { recursive: true, force: true });
    console.info(`student-project : ${timings.join(' ; ')}`);
  }, 300_000);

  it('add : deux élèves, chacun son projet, son vm1 et rien de l’autre', async () => {
    const [a, b] = [ids[0], ids[1]];
    const added = await Promise.all([student('add', a, dirOf(a)), student('add', b, dirOf(b))]);
    for (const [i, o] of added.entries()) {
      expect(o.stderr, `add ${ids[i] ?? ''}`).toBe('');
      expect(o.code).toBe(0);
      expect(o.stdout).toMatch(/^Projet OpenStack eleve-\w+ prêt/);
      timings.push(`add ${ids[i] ?? ''} ${o.seconds.toFixed(1)} s (deux en même temps)`);
    }
    const again = await student('add', a, dirOf(a));
    expect(again.code, again.stderr).toBe(0);
    timings.push(`add répété ${again.seconds.toFixed(1)} s`);
    for (const id of [a, b]) {
      for (const file of ['clouds.yaml', 'demo-openrc']) expect(statSync(join(dirOf(id), file)).mode & 0o777).toBe(0o600);
      projectIds.set(id, json<{ id: string }>(await admin('project', 'show', `eleve-${id}`, '-f', 'json')).id);
    }

    const create = (id: string) =>
      as(id)('server', 'create', '--flavor', 'm1.tiny', '--image', 'cirros-0.3.4-x86_64-uec', '--network', 'private', '--wait', 'vm1', '-f', 'json');
    const [vmA, vmB] = (await Promise.all([create(a), create(b)])).map((o) => json<{ id: string; status: string }>(o));
    expect(vmA?.status).toBe('ACTIVE');
    expect(vmB?.status).toBe('ACTIVE');
    for (const [id, vm] of [[a, vmA], [b, vmB]] as const) {
      const list = json<{ ID: string; Name: string }[]>(await as(id)('server', 'list', '-f', 'json'));
      expect(list.map((s) => [s.ID, s.Name])).toEqual([[vm?.id, 'vm1']]);
    }
    // Neither the other's server, nor the other's project, nor the users.
    const otherServer = await as(a)('server', 'show', vmB?.id ?? '?');
    expect(otherServer.code).not.toBe(0);
    expect(otherServer.stderr).toMatch(/No server with a name or ID|No Server found|could not be found/i);
    const otherProject = await as(a)('project', 'show', `eleve-${b}`);
    expect(otherProject.code).not.toBe(0);
    const users = await as(b)('user', 'list');
    expect(users.code).not.toBe(0);
    expect(users.stderr).toMatch(/403|not authorized|Forbidden/i);
  }, 300_000);

  it('remove : plus rien des deux élèves sur le cloud', async () => {
    const [a, b] = [ids[0], ids[1]];
    // A volume too, for the timing the lab server waits on.
    const volume = await as(a)('volume', 'create', '--size', '1', 'v1', '-f', 'json');
    expect(volume.code, volume.stderr).toBe(0);
    for (const id of [a, b]) {
      const o = await student('remove', id, dirOf(id));
      expect(o.stderr, `remove ${id}`).toBe('');
      expect(o.code).toBe(0);
      expect(o.stdout).toMatch(new RegExp(`^Projet eleve-${id} supprimé`));
      timings.push(`remove ${id} ${o.seconds.toFixed(1)} s${id === a ? ' (un serveur et un volume)' : ' (un serveur)'}`);
    }
    const again = await student('remove', a, dirOf(a));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Rien à supprimer/);
    for (const id of [a, b]) {
      const project = projectIds.get(id) ?? '?';
      expect((await admin('project', 'show', `eleve-${id}`)).code).not.toBe(0);
      expect((await admin('user', 'show', `eleve-${id}`)).code).not.toBe(0);
      // By the APIs, filtered on the deleted project's id (the CLI's --project looks the name up first).
      for (const [url, key] of leftoverQueries(project)) {
        const answer = await getJson(url, adminToken.token);
        expect(answer.status, url).toBe(200);
        expect((answer.body as Record<string, unknown[]>)[key], `${key} du projet eleve-${id}`).toEqual([]);
      }
      expect(await securityGroupsOf(project), `groupes de sécurité du projet eleve-${id}`).toEqual([]);
      expect(statSync(dirOf(id)).isDirectory()).toBe(true); // the folder is the server's: only its files go
      expect(() => statSync(join(dirOf(id), 'clouds.yaml'))).toThrow();
    }
  }, 300_000);

  it('purge : enlève les projets d’élèves laissés par une classe', async () => {
    const c = ids[2];
    expect((await student('add', c, dirOf(c))).code).toBe(0);
    const purged = await student('purge');
    expect(purged.stderr).toBe('');
    expect(purged.code).toBe(0);
    expect(purged.stdout).toMatch(/^Purge : [1-9]\d* projet\(s\) d'élève supprimé\(s\)/);
    timings.push(`purge ${purged.seconds.toFixed(1)} s (${purged.stdout.trim()})`);
    expect((await admin('project', 'show', `eleve-${c}`)).code).not.toBe(0);
    expect((await admin('user', 'show', `eleve-${c}`)).code).not.toBe(0);
    // Not "no tagged project at all": a lab server using the cloud meanwhile may have added students since.
    const left = json<{ Name: string }[]>(await admin('project', 'list', '--tags', 'cours-openstack-eleve', '-f', 'json'));
    expect(left.map((p) => p.Name)).not.toContain(`eleve-${c}`);
  }, 300_000);

  it('refuse un identifiant invalide, sans rien toucher', async () => {
    const o = await student('add', 'Pas-Bon', dirOf(ids[2]));
    expect(o.code).toBe(1);
    expect(o.stderr).toMatch(/identifiant d'élève invalide/);
  });
});
