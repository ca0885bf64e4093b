import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabClient } from '../helpers/lab-client.ts';
import { processesOf, startLabServer, waitUntil, type TestServer } from '../helpers/lab-server.ts';

let server: TestServer;
let room = 0;
/** Each test gets its own session: same lab, a fresh room. */
const freshRoom = (): string => `t${++room}`;

beforeAll(async () => {
  server = await startLabServer({ env: { SECRET_FOR_TEST: 'server-secret', ALLOWED_FOR_TEST: 'allowed-value' } });
});
afterAll(async () => {
  await server?.close();
});

async function writer(roomName: string, channel = 1): Promise<LabClient> {
  const client = await LabClient.open(server);
  await client.attach(channel, 'shell', { room: roomName });
  await client.waitForOutput(channel, 'lab$ ');
  return client;
}

describe('a lab session', () => {
  it('runs what the writer types in a real shell and streams the output back', async () => {
    const client = await LabClient.open(server);
    const { attached, snapshot } = await client.attach(1, 'shell', { room: freshRoom() });
    expect(attached).toMatchObject({ channel: 1, lab: 'shell', role: 'writer', cols: 80, rows: 24 });
    expect(snapshot).toMatchObject({ channel: 1, cols: 80, rows: 24 });
    await client.waitForOutput(1, 'lab$ ');
    client.send({ type: 'input', channel: 1, data: 'echo "ok $((6 * 7))"\r' });
    await client.waitForOutput(1, 'ok 42');
    expect(client.invalid).toEqual([]);
    await client.close();
  });

  it('types a lab command by id, and refuses ids the lab does not define', async () => {
    const client = await writer(freshRoom());
    client.send({ type: 'run', channel: 1, commandId: 'hello' });
    // The next run is accepted once the prompt's end-of-command mark follows the output, not merely the
    // output: until then the server rightly answers « busy » (the CI failure).
    await client.until(() => {
      const text = client.text(1);
      const output = text.indexOf('run-42\r\n');
      return (output >= 0 && text.includes('\u001b]133;D;0\u0007', output)) || undefined;
    }, 'the prompt after run-42');
    client.send({ type: 'run', channel: 1, commandId: 'two-lines' });
    await client.waitForOutput(1, 'second');
    client.send({ type: 'run', channel: 1, commandId: 'rm-rf' });
    const error = await client.next('error', (m) => m.code === 'UNKNOWN_COMMAND');
    expect(error).toMatchObject({ channel: 1, message: expect.stringContaining('rm-rf') });
    await client.close();
  });

  it('gives the shell an environment from the allow-list and the lab, not the server’s', async () => {
    const client = await writer(freshRoom());
    client.send({ type: 'input', channel: 1, data: 'echo "<$SECRET_FOR_TEST|$ALLOWED_FOR_TEST|$FROM_LAB|$TERM>"\r' });
    await client.waitForOutput(1, '<|allowed-value|lab-value|xterm-256color>');
    client.send({ type: 'input', channel: 1, data: 'echo "count=$(env | wc -l) home=$HOME"\r' });
    const text = await client.waitForOutput(1, `home=${server.stateDir}`);
    // A dozen variables, not the server's whole environment.
    const count = Number(/count=(\d+) home=\//.exec(text)?.[1]);
    expect(count).toBeGreaterThan(5);
    expect(count).toBeLessThan(25);
    await client.close();
  });

  it.skipIf(process.getuid?.() !== 0)(
    'runs lab shells as the unprivileged lab account when started as root',
    async () => {
      const client = await writer(freshRoom());
      client.send({
        type: 'input',
        channel: 1,
        data: 'echo "who=$(id -un) groups=$(id -G) nnp=$(grep NoNewPrivs /proc/self/status | cut -f2)"\r',
      });
      const text = await client.waitForOutput(1, 'nnp=1');
      expect(text).toContain('who=cours-lab');
      expect(/groups=([\d ]+)/.exec(text)?.[1]?.split(' ')).not.toContain('0');
      client.send({ type: 'input', channel: 1, data: 'touch /etc/lab-was-here 2>/dev/null || echo "denied-$?"\r' });
      await client.waitForOutput(1, 'denied-1');
      await client.close();
    },
  );

  it('sends every viewer the same bytes as the writer', async () => {
    const name = freshRoom();
    const main = await writer(name);
    const viewers = [await LabClient.open(server), await LabClient.open(server, { role: 'audience' })];
    await viewers[0]?.attach(1, 'shell', { room: name, mode: 'view' });
    await viewers[1]?.attach(7, 'shell', { room: name });
    expect(viewers.map((v) => v.messages.find((m) => m.type === 'attached'))).toMatchObject([
      { role: 'viewer' },
      { role: 'viewer' },
    ]);
    main.send({ type: 'input', channel: 1, data: 'echo BEGIN-$((1)); seq 1 20000; echo END-$((2))\r' });
    await main.waitForOutput(1, 'END-2');
    await viewers[0]?.waitForOutput(1, 'END-2');
    await viewers[1]?.waitForOutput(7, 'END-2');
    const slice = (text: string): string => text.slice(text.indexOf('BEGIN-1'), text.indexOf('END-2'));
    const reference = slice(main.text(1));
    expect(reference).toContain('\r\n20000\r\n');
    expect(slice(viewers[0]?.text(1) ?? '')).toBe(reference);
    expect(slice(viewers[1]?.text(7) ?? '')).toBe(reference);
    await Promise.all([main.close(), ...viewers.map((v) => v.close())]);
  });

  it('drops viewer input (xterm’s automatic replies included) and says so once', async () => {
    const name = freshRoom();
    const main = await writer(name);
    const projector = await LabClient.open(server);
    const student = await LabClient.open(server, { role: 'audience' });
    await projector.attach(2, 'shell', { room: name, mode: 'view' });
    await student.attach(3, 'shell', { room: name, mode: 'write' });
    for (const [client, channel] of [
      [projector, 2],
      [student, 3],
    ] as const) {
      client.send({ type: 'input', channel, data: 'touch viewer-typed\r' });
      client.send({ type: 'input', channel, data: '\x1b[24;80R' }); // a cursor position report
      client.send({ type: 'resize', channel, cols: 100, rows: 30 });
      client.send({ type: 'run', channel, commandId: 'hello' });
      client.send({ type: 'reset', channel });
    }
    await student.next('error', (m) => m.code === 'NOT_WRITER', 0);
    await projector.until(
      () => projector.messages.filter((m) => m.type === 'error' && m.code === 'NOT_WRITER').length === 3 || undefined,
      '3 refusals',
    );
    main.send({ type: 'input', channel: 1, data: 'ls; echo listed-$((3))\r' });
    const text = await main.waitForOutput(1, 'listed-3');
    expect(text).not.toContain('viewer-typed');
    expect(text).not.toContain('run-42');
    expect(text).not.toContain('24;80R');
    for (const client of [projector, student]) {
      expect(client.messages.filter((m) => m.type === 'error' && m.code === 'READ_ONLY')).toHaveLength(1);
    }
    await Promise.all([main.close(), projector.close(), student.close()]);
  });

  it('hands the writer role to the presenter page that attaches last (a reload), the other one views', async () => {
    const name = freshRoom();
    const before = await writer(name);
    const after = await LabClient.open(server);
    const { attached } = await after.attach(4, 'shell', { room: name });
    expect(attached.role).toBe('writer');
    await before.next('role', (m) => m.channel === 1 && m.role === 'viewer');
    before.send({ type: 'input', channel: 1, data: 'echo from-old-page\r' });
    await before.next('error', (m) => m.code === 'READ_ONLY');
    after.send({ type: 'input', channel: 4, data: 'echo from-new-page-$((5))\r' });
    await before.waitForOutput(1, 'from-new-page-5');
    expect(before.text(1)).not.toContain('from-old-page\r\n');
    await Promise.all([before.close(), after.close()]);
  });

  it('resizes the pty for the writer and tells the viewers, in order with the output', async () => {
    const name = freshRoom();
    const main = await writer(name);
    const viewer = await LabClient.open(server, { role: 'audience' });
    await viewer.attach(1, 'shell', { room: name });
    main.send({ type: 'resize', channel: 1, cols: 120, rows: 40 });
    await viewer.next('resized', (m) => m.cols === 120 && m.rows === 40);
    main.send({ type: 'input', channel: 1, data: 'stty size\r' });
    await main.waitForOutput(1, '40 120');
    await Promise.all([main.close(), viewer.close()]);
  });

  it('reports the exit of the shell, then restarts it on reset', async () => {
    const main = await writer(freshRoom());
    const firstPid = main.messages.length;
    main.send({ type: 'input', channel: 1, data: 'exit 7\r' });
    const exit = await main.next('exit', () => true, firstPid);
    expect(exit).toMatchObject({ channel: 1, code: 7 });
    await main.next('status', (m) => m.state === 'exited');
    main.send({ type: 'input', channel: 1, data: 'echo too-late\r' });
    await main.next('error', (m) => m.code === 'SESSION_EXITED');
    const from = main.messages.length;
    main.clearOutput(1);
    main.send({ type: 'reset', channel: 1 });
    await main.next('status', (m) => m.state === 'restarting', from);
    const snapshot = await main.next('snapshot', () => true, from);
    expect(snapshot.data.trim()).toBe('');
    await main.waitForOutput(1, 'lab$ ');
    main.send({ type: 'input', channel: 1, data: 'echo again-$((8))\r' });
    await main.waitForOutput(1, 'again-8');
    await main.close();
  });

  it('a reset replaces the shell, not the pages: a viewer stays, and the old directory goes', async () => {
    const name = freshRoom();
    const main = await writer(name);
    const viewer = await LabClient.open(server, { role: 'audience' });
    await viewer.attach(5, 'shell', { room: name });
    main.send({ type: 'input', channel: 1, data: 'echo "dir=$PWD"\r' });
    const dir = /dir=(\/\S+)/.exec(await main.waitForOutput(1, `dir=${server.stateDir}`))?.[1] ?? '';
    expect(existsSync(dir)).toBe(true);
    const from = viewer.messages.length;
    viewer.clearOutput(5);
    main.send({ type: 'reset', channel: 1 });
    await viewer.next('status', (m) => m.channel === 5 && m.state === 'restarting', from);
    const snapshot = await viewer.next('snapshot', (m) => m.channel === 5, from);
    expect(snapshot.data.trim()).toBe('');
    await viewer.next('status', (m) => m.channel === 5 && m.state === 'running', from);
    main.send({ type: 'input', channel: 1, data: 'echo "new=$PWD"\r' });
    const text = await viewer.waitForOutput(5, /new=\/\S+/);
    expect(text).not.toContain(`new=${dir}`);
    expect(viewer.messages.slice(from).filter((m) => m.type === 'detached')).toEqual([]);
    await waitUntil(() => !existsSync(dir), 'the old working directory to be removed');
    await Promise.all([main.close(), viewer.close()]);
  });

  it('reset ends every process of the old shell', async () => {
    const name = freshRoom();
    const main = await writer(name);
    main.send({
      type: 'input',
      channel: 1,
      data: 'sleep 1000 & setsid sleep 1001 & nohup sleep 1002 >/dev/null 2>&1 & echo started-$((9))\r',
    });
    await main.waitForOutput(1, 'started-9');
    const oldLeader = server.server.registry.find(name, 'shell')?.pid ?? -1;
    await waitUntil(() => processesOf([oldLeader]).length >= 5 || undefined, 'the background jobs');
    main.send({ type: 'reset', channel: 1 });
    await main.next('status', (m) => m.state === 'restarting');
    await waitUntil(() => processesOf([oldLeader]).length === 0 || undefined, 'the old shell to be gone');
    await main.close();
  });

  it('prepares each fresh working directory with the lab’s setup script, again on reset', async () => {
    const client = await LabClient.open(server);
    await client.attach(1, 'staged', { room: freshRoom() });
    await client.waitForOutput(1, 'staged$ ');
    client.send({ type: 'run', channel: 1, commandId: 'show' });
    const first = /prepared in (\S+)/.exec(await client.waitForOutput(1, 'prepared in '))?.[1];
    client.send({ type: 'input', channel: 1, data: 'touch left-behind; echo touched-$((3))\r' });
    await client.waitForOutput(1, 'touched-3');
    client.clearOutput(1);
    client.send({ type: 'reset', channel: 1 });
    await client.waitForOutput(1, 'staged$ ');
    client.send({ type: 'input', channel: 1, data: 'cat prepared.txt; ls left-behind 2>&1 | grep -c "No such"\r' });
    const after = await client.waitForOutput(1, /prepared in (\S+)\s+1\s/);
    const second = /prepared in (\S+)/.exec(after)?.[1];
    expect(first).toBeDefined();
    expect(second).not.toBe(first);
    await client.close();
  });

  it('says when the lab’s setup failed, with its message in the terminal', async () => {
    const client = await LabClient.open(server);
    await client.attach(1, 'setup-fails', { room: freshRoom() });
    const error = await client.next('error', (m) => m.channel === 1 && m.code === 'LAB_SETUP_FAILED');
    expect(error.hint).toContain('Redémarrer');
    await client.waitForOutput(1, 'image de base introuvable');
    await client.close();
  });

  it('refuses to open a lab its ready script rejects, saying why', async () => {
    const client = await LabClient.open(server);
    client.send({ type: 'attach', channel: 1, lab: 'not-ready', cols: 80, rows: 24 });
    const error = await client.next('error', (m) => m.channel === 1);
    expect(error).toMatchObject({
      code: 'LAB_NOT_READY',
      message: 'VM du lab non construite : lancez sudo npm run setup',
    });
    await client.close();
  });

  it('tells the pane why a lab cannot start, and keeps serving', async () => {
    const client = await LabClient.open(server);
    client.send({ type: 'attach', channel: 1, lab: 'missing-tool', cols: 80, rows: 24 });
    const missing = await client.next('error', (m) => m.channel === 1);
    expect(missing).toEqual({
      type: 'error',
      channel: 1,
      code: 'LAB_TOOL_MISSING',
      message: 'qemu-img-absent-for-tests manquant',
      hint: 'lancez npm run setup',
    });
    client.send({ type: 'attach', channel: 2, lab: 'nope', cols: 80, rows: 24 });
    await client.next('error', (m) => m.channel === 2 && m.code === 'UNKNOWN_LAB');
    const { attached } = await client.attach(3, 'early-exit', { room: freshRoom() });
    expect(attached.role).toBe('writer');
    const failed = await client.next('error', (m) => m.channel === 3 && m.code === 'LAB_START_FAILED');
    expect(failed.message).toContain('code 3');
    await client.next('exit', (m) => m.channel === 3 && m.code === 3);
    await client.waitForOutput(3, 'démarrage impossible');
    const welcome = client.messages.find((m) => m.type === 'welcome');
    expect(welcome).toMatchObject({
      labs: expect.arrayContaining([
        {
          id: 'missing-tool',
          title: 'Lab sans son outil',
          ready: false,
          reason: 'qemu-img-absent-for-tests manquant : lancez npm run setup',
          commands: [],
        },
        {
          id: 'shell',
          title: 'Shell de test',
          ready: true,
          commands: ['hello', 'two-lines'],
          exercises: ['make-file', 'slow'],
        },
      ]),
    });
    const { attached: fine } = await client.attach(4, 'shell', { room: freshRoom() });
    expect(fine.role).toBe('writer');
    await client.close();
  });

  it('keeps one session per (room, lab), and separate rooms apart', async () => {
    const a = await writer('room-a');
    const b = await writer('room-b');
    a.send({ type: 'input', channel: 1, data: 'echo only-in-a-$((1))\r' });
    await a.waitForOutput(1, 'only-in-a-1');
    b.send({ type: 'input', channel: 1, data: 'echo only-in-b-$((1))\r' });
    await b.waitForOutput(1, 'only-in-b-1');
    expect(b.text(1)).not.toContain('only-in-a-1');
    expect(server.server.registry.find('room-a', 'shell')).not.toBe(server.server.registry.find('room-b', 'shell'));
    await Promise.all([a.close(), b.close()]);
  });
});
