import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabClient } from '../helpers/lab-client.ts';
import { startLabServer, type TestServer } from '../helpers/lab-server.ts';

let server: TestServer;
let room = 0;

beforeAll(async () => {
  server = await startLabServer();
});
afterAll(async () => {
  await server?.close();
});

/** A writer on a fresh session of the `busy` fixture lab, at its first prompt, its output cleared. */
async function writer(): Promise<LabClient> {
  const client = await LabClient.open(server);
  await client.attach(1, 'busy', { room: `busy-${++room}` });
  await client.waitForOutput(1, 'busy$ ');
  client.clearOutput(1);
  return client;
}

/** Runs `commandId` and returns the refusal the server sends instead of typing it. */
async function refused(client: LabClient, commandId: string, force?: boolean) {
  const from = client.messages.length;
  client.send({ type: 'run', channel: 1, commandId, ...(force === undefined ? {} : { force }) });
  return client.next('run-refused', (m) => m.commandId === commandId, from);
}

/**
 * Waits until cat holds the terminal: it then gives back each line twice (the terminal's echo, then
 * cat's copy). A line typed before it started may be echoed once or not at all, so probes are repeated.
 */
async function catRuns(client: LabClient): Promise<void> {
  const probe = setInterval(() => client.send({ type: 'input', channel: 1, data: 'probe\r' }), 100);
  try {
    await client.waitForOutput(1, /probe\r\nprobe\r\n/);
  } finally {
    clearInterval(probe);
  }
}

/** Waits for the prompt to come back (the busy lab's prompt), then forgets the output so far. */
async function prompt(client: LabClient): Promise<void> {
  await client.waitForOutput(1, 'busy$ ');
  client.clearOutput(1);
}

/**
 * Ctrl-C until the prompt is back, as a person presses it again: a SIGINT that lands while bash is still
 * forking the command (before the child resets its handlers and execs) is lost, and sleep runs on.
 */
async function interrupt(client: LabClient): Promise<void> {
  const press = () => client.send({ type: 'input', channel: 1, data: '\u0003' });
  press();
  const again = setInterval(press, 1000);
  try {
    await prompt(client);
  } finally {
    clearInterval(again);
  }
}

describe('▶ while a program holds the terminal', () => {
  it('refuses a run during a running command, naming it, types it with force, and again at the prompt', async () => {
    const client = await writer();
    client.send({ type: 'run', channel: 1, commandId: 'wait' });
    await client.waitForOutput(1, 'sleep 300');
    const refusal = await refused(client, 'hello');
    expect(refusal).toEqual({
      type: 'run-refused',
      channel: 1,
      commandId: 'hello',
      reason: 'busy',
      program: 'sleep',
      message: 'une commande tourne encore (sleep) : attendez sa fin ou Ctrl-C',
    });
    expect(client.text(1)).not.toContain('hello');
    client.send({ type: 'run', channel: 1, commandId: 'hello', force: true });
    // Typed into sleep's terminal: the tty echoes it, nothing runs it.
    await client.waitForOutput(1, 'echo hello-$((6 * 7))');
    expect(client.text(1)).not.toContain('hello-42');
    await interrupt(client);
    const from = client.messages.length;
    client.send({ type: 'run', channel: 1, commandId: 'hello' });
    await client.waitForOutput(1, 'hello-42');
    expect(client.messages.slice(from).filter((m) => m.type === 'run-refused')).toEqual([]);
    await client.close();
  });

  it('says what a declared console is and how to leave it, and types guest commands into it', async () => {
    const client = await writer();
    client.send({ type: 'run', channel: 1, commandId: 'console' });
    await catRuns(client);
    const refusal = await refused(client, 'hello');
    expect(refusal).toMatchObject({
      reason: 'busy',
      program: 'cat',
      message: 'la fausse console est ouverte : Ctrl-D pour en sortir',
    });
    client.clearOutput(1);
    client.send({ type: 'run', channel: 1, commandId: 'inside' });
    // cat gives the line back: it went to the console, not to the shell.
    await client.waitForOutput(1, /echo inside-\$\(\(5 \* 5\)\)[\s\S]*echo inside-\$\(\(5 \* 5\)\)/);
    expect(client.text(1)).not.toContain('inside-25');
    client.send({ type: 'input', channel: 1, data: '\u0004' });
    await prompt(client);
    const noGuest = await refused(client, 'inside');
    expect(noGuest).toEqual({
      type: 'run-refused',
      channel: 1,
      commandId: 'inside',
      reason: 'no-guest',
      message: 'la VM ne tourne pas dans ce terminal : le ▶ de « cat » la démarre',
    });
    client.send({ type: 'run', channel: 1, commandId: 'inside', force: true });
    await client.waitForOutput(1, 'inside-25');
    await client.close();
  });

  it('knows a program the person started by hand, and that Enter at the prompt starts a command', async () => {
    const client = await writer();
    client.send({ type: 'input', channel: 1, data: 'cat\r' });
    await catRuns(client);
    expect(await refused(client, 'hello')).toMatchObject({
      program: 'cat',
      message: 'la fausse console est ouverte : Ctrl-D pour en sortir',
    });
    client.send({ type: 'input', channel: 1, data: '\u0004' });
    await prompt(client);
    client.send({ type: 'input', channel: 1, data: 'sleep 200\r' });
    await client.waitForOutput(1, 'sleep 200');
    // Until bash has started it, the command has no name yet; then it is the foreground program.
    let refusal = await refused(client, 'hello');
    for (let tries = 0; refusal.program === undefined && tries < 50; tries++) {
      expect(refusal.message).toBe('une commande tourne encore : attendez sa fin ou Ctrl-C');
      await new Promise((resolve) => setTimeout(resolve, 50));
      refusal = await refused(client, 'hello');
    }
    expect(refusal).toMatchObject({
      reason: 'busy',
      program: 'sleep',
      message: 'une commande tourne encore (sleep) : attendez sa fin ou Ctrl-C',
    });
    await interrupt(client);
    client.send({ type: 'run', channel: 1, commandId: 'hello' });
    await client.waitForOutput(1, 'hello-42');
    await client.close();
  });

  it('types every run in a lab whose prompt has no mark, as before', async () => {
    const client = await LabClient.open(server);
    await client.attach(1, 'staged', { room: `busy-${++room}` });
    await client.waitForOutput(1, 'staged$ ');
    client.send({ type: 'input', channel: 1, data: 'sleep 0.5\r' });
    client.send({ type: 'run', channel: 1, commandId: 'show' });
    await client.waitForOutput(1, 'prepared in ');
    expect(client.messages.filter((m) => m.type === 'run-refused')).toEqual([]);
    await client.close();
  });
});

describe('↺ restart', () => {
  it('ends with `running` after the blank snapshot, and the new shell is at its prompt for ▶', async () => {
    const client = await writer();
    client.send({ type: 'run', channel: 1, commandId: 'wait' });
    await client.waitForOutput(1, 'sleep 300');
    const from = client.messages.length;
    client.send({ type: 'reset', channel: 1 });
    await client.next('status', (m) => m.state === 'running', from);
    const after = client.messages.slice(from).map((m) => (m.type === 'status' ? `status:${m.state}` : m.type));
    expect(after.slice(0, 3)).toEqual(['status:restarting', 'snapshot', 'status:running']);
    await prompt(client);
    client.send({ type: 'run', channel: 1, commandId: 'hello' });
    await client.waitForOutput(1, 'hello-42');
    await client.close();
  });
});
