/**
 * The hands-on class through the real server (as root, as in CI: one Unix account per student): joining
 * by name, each student's own sessions under their own account and limits, what they may not reach of
 * another's, the presenter's roster and read-only look, a lab provisioned per student, and the end of
 * the class removing all of it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOIN_PATH, type JoinAnswer } from '../../src/protocol/classroom.ts';
import { LabClient } from '../helpers/lab-client.ts';
import { ROOT, scratchDir, startLabServer, waitUntil, type TestServer } from '../helpers/lab-server.ts';

let server: TestServer;
let logDir: string;
/** Alice's cookies (audience and student), from her join, for the later tests. */
let aliceCookie = '';
const log = (): string => (existsSync(join(logDir, 'log')) ? readFileSync(join(logDir, 'log'), 'utf8') : '');

beforeAll(async () => {
  execFileSync('bash', [join(ROOT, 'labs', 'setup-user.sh')], {
    stdio: 'ignore',
    env: { ...process.env, COURS_LAB_STUDENTS: '4' },
  });
  logDir = scratchDir('provision-log');
  execFileSync('chmod', ['777', logDir]);
  server = await startLabServer({
    argv: ['--hands-on', '--max-students', '4', '--max-vms', '1'],
    env: { PROVISION_LOG: join(logDir, 'log') },
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
});

async function joinClass(
  name: unknown,
  cookie = server.audienceCookie,
  origin = server.origin,
): Promise<{ status: number; answer: JoinAnswer; cookie: string }> {
  const response = await fetch(`${server.origin}${JOIN_PATH}`, {
    method: 'POST',
    headers: { Cookie: cookie, Origin: origin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const set = response.headers.get('set-cookie')?.split(';')[0];
  return {
    status: response.status,
    answer: (await response.json()) as JoinAnswer,
    cookie: set ? `${cookie}; ${set}` : cookie,
  };
}

/** The output of `command` typed at a student's prompt (between two marks). */
async function shellSays(client: LabClient, channel: number, command: string, marker: string): Promise<string> {
  const from = client.text(channel).length;
  client.send({ type: 'input', channel, data: `${command}; echo ${marker}-$?\r` });
  const text = await client.waitForOutput(channel, new RegExp(`${marker}-\\d+\\r?\\n`));
  return text.slice(from);
}

describe('a hands-on class', () => {
  it('takes students by name, refuses bad, taken or surplus names with a French message, and only from the audience', async () => {
    expect((await joinClass('   ')).answer).toMatchObject({ ok: false, code: 'NAME_INVALID' });
    expect((await joinClass('<b>x</b>')).status).toBe(400);
    expect((await joinClass('Zoé', server.presenterCookie)).status).toBe(403);
    expect((await joinClass('Zoé', '')).status).toBe(403);
    expect((await joinClass('Zoé', server.audienceCookie, 'http://evil.example')).status).toBe(403);
    const zoe = await joinClass('Zoé');
    expect(zoe).toMatchObject({ status: 200, answer: { ok: true, student: { name: 'Zoé' } } });
    const again = await joinClass('ZOE');
    expect(again.status).toBe(409);
    expect(again.answer).toMatchObject({
      ok: false,
      code: 'NAME_TAKEN',
      message: expect.stringContaining('déjà pris'),
    });
    // The same page joining again is the same student.
    expect((await joinClass('Autre nom', zoe.cookie)).answer).toEqual(zoe.answer);
  });

  it('gives each student their own shell, account and limits, out of reach of the others', async () => {
    const a = await joinClass('Alice');
    const b = await joinClass('Bob');
    const alice = await LabClient.open(server, { cookie: a.cookie });
    const bob = await LabClient.open(server, { cookie: b.cookie });
    aliceCookie = a.cookie;
    expect(await alice.next('welcome')).toMatchObject({ role: 'student', handsOn: true, student: { name: 'Alice' } });
    const { attached } = await alice.attach(1, 'shell');
    expect(attached).toMatchObject({ role: 'writer', room: `eleve-${a.answer.ok ? a.answer.student.id : ''}` });
    await bob.attach(1, 'shell');
    const aliceSays = await shellSays(alice, 1, 'id -un; ulimit -u; ulimit -f; echo "$PWD"; echo $$', 'A1');
    const bobSays = await shellSays(bob, 1, 'id -un', 'B1');
    const aliceUser = /cours-lab-e\d+/.exec(aliceSays)?.[0];
    const bobUser = /cours-lab-e\d+/.exec(bobSays)?.[0];
    expect(aliceUser).toBeDefined();
    expect(bobUser).toBeDefined();
    expect(aliceUser).not.toBe(bobUser);
    expect(aliceSays).toMatch(/\r\n256\r\n4194304\r\n/);
    const aliceDir = /\/\S*labs\/shell\/eleve-\S+/.exec(aliceSays)?.[0] ?? '';
    expect(aliceDir).not.toBe('');
    // Bob cannot list Alice's folder, nor signal her processes, nor attach to her session.
    expect(await shellSays(bob, 1, `ls ${aliceDir}`, 'B2')).toMatch(
      /(Permission denied|No such file or directory)[\s\S]*B2-2/,
    );
    expect(await shellSays(bob, 1, `pkill -u ${aliceUser} bash`, 'B3')).toMatch(/B3-1/);
    const from = bob.messages.length;
    bob.send({ type: 'attach', channel: 2, lab: 'shell', room: attached.room, cols: 80, rows: 24 });
    expect(await bob.next('error', (m) => m.channel === 2, from)).toMatchObject({ code: 'ROOM_FORBIDDEN' });
    // Alice's shell still answers.
    expect(await shellSays(alice, 1, 'true', 'A2')).toContain('A2-0');
    await Promise.all([alice.close(), bob.close()]);
  });

  it('shows the presenter the class, and lets them watch a student read-only while the student is told', async () => {
    const c = await joinClass('Chloé');
    const chloe = await LabClient.open(server, { cookie: c.cookie });
    const presenter = await LabClient.open(server);
    await chloe.attach(1, 'shell');
    chloe.send({ type: 'slide', index: 7 });
    chloe.send({ type: 'run', channel: 1, commandId: 'hello' });
    const row = await presenter.next('class', (m) =>
      m.students.some((s) => s.name === 'Chloé' && s.last?.exit === 0 && s.slide === 7),
    );
    expect(row.students.find((s) => s.name === 'Chloé')).toMatchObject({
      connected: true,
      labs: ['shell'],
      last: { lab: 'shell', text: 'echo run-$((40 + 2))', exit: 0 },
    });
    chloe.send({ type: 'input', channel: 1, data: 'false\r' });
    await presenter.next('class', (m) =>
      m.students.some((s) => s.name === 'Chloé' && s.last?.text === 'false' && s.last.exit === 1),
    );
    // The presenter watches: read-only, and Chloé's pane is told.
    const room = c.answer.ok ? `eleve-${c.answer.student.id}` : '';
    const { attached } = await presenter.attach(5, 'shell', { room, mode: 'write' });
    expect(attached.role).toBe('viewer');
    expect(await chloe.next('watched', (m) => m.watching)).toEqual({ type: 'watched', channel: 1, watching: true });
    presenter.send({ type: 'input', channel: 5, data: 'echo intrus\r' });
    expect(await presenter.next('error', (m) => m.channel === 5)).toMatchObject({ code: 'READ_ONLY' });
    presenter.send({ type: 'detach', channel: 5 });
    expect(await chloe.next('watched', (m) => !m.watching)).toEqual({ type: 'watched', channel: 1, watching: false });
    // The audience cannot look into a student's room.
    const audience = await LabClient.open(server, { role: 'audience' });
    audience.send({ type: 'attach', channel: 1, lab: 'shell', room, cols: 80, rows: 24 });
    expect(await audience.next('error')).toMatchObject({ code: 'ROOM_FORBIDDEN' });
    await Promise.all([chloe.close(), presenter.close(), audience.close()]);
  });

  it('provisions a lab per student before their first shell there, says so meanwhile, and refuses a student past the class size', async () => {
    const d = await joinClass('Dan');
    expect(d.status).toBe(503);
    expect(d.answer).toMatchObject({ ok: false, code: 'CLASS_FULL' });
    const a = await joinClass('x', aliceCookie);
    const alice = await LabClient.open(server, { cookie: aliceCookie });
    expect(alice.messages.find((m) => m.type === 'welcome')).toMatchObject({ student: { name: 'Alice' } });
    alice.send({ type: 'attach', channel: 3, lab: 'owned', cols: 80, rows: 24 });
    expect(await alice.next('error', (m) => m.channel === 3)).toMatchObject({ code: 'LAB_PREPARING' });
    const id = a.answer.ok ? a.answer.student.id : '';
    await waitUntil(() => log().includes(`add ${id}`), 'provision add', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await alice.attach(3, 'owned');
    alice.send({ type: 'run', channel: 3, commandId: 'whose' });
    await alice.waitForOutput(3, `projet de ${id}`);
    await alice.close();
  });
});

describe('an exercise’s checks', () => {
  it('run in the student’s own sandbox: ✗ with the hints, then ✓ once done, a timeout said as such; the presenter’s panel counts it', async () => {
    const student = await LabClient.open(server, { cookie: aliceCookie });
    const presenter = await LabClient.open(server);
    await student.attach(4, 'shell');
    student.send({ type: 'verify', channel: 4, exercise: 'make-file' });
    expect(await student.next('verified', (m) => m.channel === 4)).toEqual({
      type: 'verified',
      channel: 4,
      exercise: 'make-file',
      results: [
        { check: 'exists', state: 'fail', hint: 'Créez fait.txt dans votre dossier.' },
        { check: 'content', state: 'fail', hint: 'fait.txt doit contenir le mot bravo.' },
      ],
    });
    await shellSays(student, 4, 'echo bravo > fait.txt', 'E');
    const from = student.messages.length;
    student.send({ type: 'verify', channel: 4, exercise: 'make-file' });
    expect((await student.next('verified', (m) => m.channel === 4, from)).results.map((r) => r.state)).toEqual([
      'pass',
      'pass',
    ]);
    const row = await presenter.next('class', (m) =>
      m.students.some((s) => s.name === 'Alice' && s.exercises?.[0]?.ok === true),
    );
    expect(row.students.find((s) => s.name === 'Alice')?.exercises).toEqual([
      { lab: 'shell', exercise: 'make-file', attempts: 2, failures: 0, ok: true },
    ]);
    // The file the check saw is the student's, not the presenter's: the presenter's own session fails it.
    await presenter.attach(4, 'shell', { room: 'exercise' });
    presenter.send({ type: 'verify', channel: 4, exercise: 'make-file' });
    expect((await presenter.next('verified', (m) => m.channel === 4)).results[0]?.state).toBe('fail');
    student.send({ type: 'verify', channel: 4, exercise: 'slow' });
    expect((await student.next('verified', (m) => m.exercise === 'slow')).results).toEqual([
      { check: 'sleeps', state: 'timeout', message: 'pas de réponse en 1 s' },
    ]);
    student.send({ type: 'verify', channel: 4, exercise: 'nope' });
    expect(await student.next('error', (m) => m.code === 'UNKNOWN_EXERCISE')).toBeDefined();
    await Promise.all([student.close(), presenter.close()]);
  }, 30_000);
});

describe('the student role, probed', () => {
  it('answers malformed join requests with a French refusal, never a crash', async () => {
    const post = (body: string, type = 'application/json', method = 'POST') =>
      fetch(`${server.origin}${JOIN_PATH}`, {
        method,
        headers: { Cookie: server.audienceCookie, Origin: server.origin, 'Content-Type': type },
        ...(method === 'POST' ? { body } : {}),
      });
    expect((await post('{"name":')).status).toBe(400);
    expect((await post('name=Zoé', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await post(JSON.stringify({ name: 'x'.repeat(5000) }))).status).toBe(413);
    expect((await post('', 'application/json', 'GET')).status).toBe(405);
    expect((await post('[1,2]')).status).toBe(400);
    const answer = (await (await post('{"name":{"$gt":""}}')).json()) as JoinAnswer;
    expect(answer).toMatchObject({ ok: false, code: 'NAME_INVALID', message: expect.stringMatching(/texte/) });
  });

  it('gives nothing to a forged or foreign student cookie', async () => {
    const name = server.audienceCookie.replace('co_audience', 'co_student').split('=')[0] ?? '';
    const forged = await LabClient.open(server, { cookie: `${server.audienceCookie}; ${name}=${'A'.repeat(43)}` });
    expect(forged.messages.find((m) => m.type === 'welcome')).toMatchObject({ role: 'audience' });
    await forged.close();
    // A student cookie alone (no audience cookie) that matches no student is no cookie at all.
    await expect(LabClient.connect(server, { cookie: `${name}=${'B'.repeat(43)}` })).rejects.toThrow(/401/);
  });

  it('survives random frames from a student page, and still serves that student', async () => {
    const student = await LabClient.open(server, { cookie: aliceCookie });
    await student.attach(1, 'shell');
    const noise = [
      '{"type":"attach","channel":2,"lab":"shell","room":"eleve-zz","cols":80,"rows":24}',
      '{"type":"end-class"}',
      '{"type":"slide","index":-1}',
      '{"type":"run","channel":1,"commandId":"../x"}',
      'null',
      '{"type":"attach","channel":3,"lab":"shell","room":"main","cols":80,"rows":24,"mode":"write"}',
    ];
    for (const frame of noise) student.sendRaw(frame);
    expect(await student.next('error', (m) => m.code === 'PRESENTER_ONLY')).toBeDefined();
    expect(await shellSays(student, 1, 'echo toujours-la', 'S')).toContain('toujours-la');
    await student.close();
  });
});

describe('a student’s caps', () => {
  it('stops a fork bomb and a 10 GB file at the student’s own limits, while the presenter’s shell answers', async () => {
    const bob = await LabClient.open(server, { cookie: aliceCookie });
    const presenter = await LabClient.open(server);
    await bob.attach(1, 'shell');
    await presenter.attach(1, 'shell');
    expect(
      await shellSays(
        bob,
        1,
        'qemu-img create -f raw big.img 10G >/dev/null 2>&1; ls -s big.img 2>/dev/null || echo no-file',
        'F',
      ),
    ).toMatch(/no-file|^0 big/m);
    const uid = Number(/\d+/.exec(await shellSays(bob, 1, 'id -u', 'U'))?.[0]);
    bob.send({ type: 'input', channel: 1, data: 'bomb() { bomb | bomb & }; bomb 2>/dev/null\r' });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const running = Number(execFileSync('sh', ['-c', `ps -L -u ${uid} --no-headers | wc -l`], { encoding: 'utf8' }));
    expect(running).toBeLessThanOrEqual(256);
    // The presenter's shell still answers (how fast: npm run bench, the hands-on case).
    expect(await shellSays(presenter, 1, 'echo vivant', 'P')).toContain('vivant');
    // A restart of the student's lab ends the bomb with the shell: nothing of the account is left.
    bob.send({ type: 'reset', channel: 1 });
    await waitUntil(
      () => Number(execFileSync('sh', ['-c', `ps -u ${uid} --no-headers | wc -l`], { encoding: 'utf8' })) <= 2,
      'bomb gone',
      20_000,
    );
    await Promise.all([bob.close(), presenter.close()]);
  }, 60_000);
});

describe('the class’s VM cap', () => {
  it('stops a VM started past --max-vms and tells its owner why', async () => {
    const alice = await LabClient.open(server, { cookie: aliceCookie });
    await alice.attach(2, 'shell');
    // Two tiny paused VMs (no machine, no display): the second is one too many.
    const vm = 'qemu-system-x86_64 -M none -display none -S -monitor none -serial none';
    alice.send({ type: 'input', channel: 2, data: `(${vm} & sleep 2.5; ${vm} & wait) 2>/dev/null\r` });
    const error = await alice.next('error', (m) => m.code === 'VM_LIMIT', 0, 20_000);
    expect(error).toMatchObject({ channel: 2, message: expect.stringContaining('votre VM a été arrêtée') });
    // The first one runs on: the class is at its cap, not over it.
    const vms = execFileSync('sh', ['-c', 'pgrep -c -f "^qemu-system-x86_64 -M none" || true'], { encoding: 'utf8' });
    expect(Number(vms)).toBe(1);
    alice.send({ type: 'input', channel: 2, data: '\u0003' });
    await alice.close();
  }, 40_000);
});

describe('the end of the class', () => {
  it('tells the students, ends their sessions, removes their folders and provisions; their cookies no longer work', async () => {
    const alice = await LabClient.open(server, { cookie: aliceCookie });
    await alice.attach(1, 'shell');
    const presenter = await LabClient.open(server);
    const studentsDir = join(server.stateDir, 'students');
    expect(readdirSync(studentsDir).length).toBeGreaterThan(0);
    presenter.send({ type: 'end-class' });
    await alice.next('class-ended');
    await waitUntil(() => alice.closed, 'student page closed');
    await presenter.next('class', (m) => m.students.length === 0);
    await waitUntil(() => readdirSync(studentsDir).length === 0, 'student folders removed', 20_000);
    await waitUntil(() => /remove /.test(log()), 'provision remove');
    // Back to audience: the same cookie is only the audience's now.
    const again = await LabClient.open(server, { cookie: aliceCookie });
    expect(again.messages.find((m) => m.type === 'welcome')).toMatchObject({ role: 'audience' });
    // Only the presenter ends a class.
    again.send({ type: 'end-class' });
    expect(await again.next('error')).toMatchObject({ code: 'PRESENTER_ONLY' });
    await Promise.all([again.close(), presenter.close()]);
  });
});
