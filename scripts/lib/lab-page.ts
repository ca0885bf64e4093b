/**
 * A presenter page without a browser, for the project's scripts (labs:check, record): the real lab server
 * in this process, one WebSocket per lab, commands run by id as a click on the slide runs them. A command
 * is done when the lab's prompt prints its OSC 133 "D" mark (with the exit status), so nothing but the
 * command itself is ever typed into the shell.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMAND_DONE, stripAnsi } from '../../src/protocol/ansi.ts';
import type { CommandCheck } from '../../src/protocol/lab-definition.ts';
import { DEMO_TERMINAL, PROTOCOL_VERSION } from '../../src/protocol/limits.ts';
import type { ClientMessage } from '../../src/protocol/messages.ts';
import { resolveConfig } from '../../src/server/config.ts';
import { createLabServer, type LabServer } from '../../src/server/lab-server.ts';
import { PageScreen } from './page-screen.ts';
import { connectSocket, ProtocolClient } from './protocol-client.ts';

export const DEFAULT_TIMEOUT_MS = 30_000;
const FIRST_PROMPT_MS = 60_000;
/**
 * An interactive program switches its terminal to raw mode after it prints its banner, flushing what was
 * typed before: its exit keys wait for the output to settle, and are sent again only if nothing at all
 * came back (sent to the shell's prompt instead, readline would take them as a command).
 */
const SETTLE_MS = 400;
const EXIT_AGAIN_MS = 5000;

export interface RunningServer {
  readonly server: LabServer;
  readonly port: number;
  readonly cookie: string;
  close(): Promise<void>;
}

/** The lab server on 127.0.0.1 with a throw-away state directory, and a presenter cookie for it. */
export async function startServer(labsDir: string | undefined): Promise<RunningServer> {
  const state = mkdtempSync(join(tmpdir(), 'labs-'));
  // The lab account (when run as root) must reach its session directories under it.
  chmodSync(state, 0o755);
  const flags = ['--port', '0', '--host', '127.0.0.1', '--state', state, ...(labsDir ? ['--labs', labsDir] : [])];
  const server = await createLabServer(resolveConfig(flags, process.env));
  try {
    const listening = await server.listen();
    const response = await fetch(listening.url, { redirect: 'manual' });
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return {
      server,
      port: listening.port,
      cookie,
      close: async () => {
        await server.close();
        rmSync(state, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server.close();
    rmSync(state, { recursive: true, force: true });
    throw error;
  }
}

export class LabPage {
  private output = '';
  readonly errors: string[] = [];
  /** What a pane of the same size shows, to catch output wider than the terminal. */
  private readonly screen: PageScreen;

  private constructor(
    private readonly client: ProtocolClient,
    cols: number,
    rows: number,
  ) {
    this.screen = new PageScreen(cols, rows);
    client.onOutput = (_channel, payload) => {
      this.output += Buffer.from(payload).toString('utf8');
      this.screen.write(payload);
    };
    client.onMessage = (message) => {
      if (message.type === 'error') this.errors.push(`${message.code}: ${message.message}`);
      // A run the server would not type (a program holds the terminal): the script's order is wrong.
      if (message.type === 'run-refused') this.errors.push(`run ${message.commandId} refusé : ${message.message}`);
    };
  }

  /** Attaches to `lab` as the writer at the demos' terminal size and waits for the shell's first prompt. */
  static async open(running: RunningServer, lab: string, room: string): Promise<LabPage> {
    const { cols, rows } = DEMO_TERMINAL;
    const endpoint = { port: running.port, origin: `http://127.0.0.1:${running.port}`, cookie: running.cookie };
    const page = new LabPage(new ProtocolClient(await connectSocket(endpoint), { keep: false }), cols, rows);
    page.send({ type: 'hello', version: PROTOCOL_VERSION });
    page.send({ type: 'attach', channel: 0, lab, room, cols, rows });
    try {
      await page.waitFor(COMMAND_DONE, 0, FIRST_PROMPT_MS, 'raw');
    } catch (error) {
      page.close();
      throw new Error(`the lab's prompt never printed its OSC 133;D mark (${(error as Error).message})`, {
        cause: error,
      });
    }
    return page;
  }

  send(message: ClientMessage): void {
    this.client.send(message);
  }

  /** Output since `from` (an offset into everything received), without escape sequences. */
  since(from: number): string {
    return stripAnsi(this.output.slice(from));
  }

  get mark(): number {
    return this.output.length;
  }

  /** Resolves with the match once the output since `from` matches, or rejects after `ms` or on a server error. */
  waitFor(pattern: RegExp, from: number, ms: number, text: 'plain' | 'raw' = 'plain'): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(text === 'raw' ? this.output.slice(from) : this.since(from));
        if (match) {
          done();
          resolve(match);
        } else if (this.errors.length > 0) {
          done();
          reject(new Error(this.errors.join('; ')));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`nothing matched ${pattern} within ${ms / 1000} s`));
      }, ms);
      const stop = this.client.watch(check);
      const done = (): void => {
        clearTimeout(timer);
        stop();
      };
      check();
    });
  }

  /**
   * Runs a lab command by id and waits until the shell is back, leaving an interactive program with its
   * check's exit keys. Rejects with what went wrong when the check fails.
   */
  async run(id: string, check: CommandCheck): Promise<void> {
    const row = await this.screen.row();
    await this.runCommand(id, check);
    const wrapped = await this.screen.wrappedSince(row);
    if (wrapped.length > 0) {
      const lines = wrapped.map((line) => `« ${line.slice(0, 50)}… »`).join(', ');
      throw new Error(
        `${wrapped.length} output line(s) wider than the pane's ${this.screen.cols} columns, wrapped by the terminal: ${lines}`,
      );
    }
  }

  private async runCommand(id: string, check: CommandCheck): Promise<void> {
    const from = this.mark;
    const ms = check.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.send({ type: 'run', channel: 0, commandId: id });
    if (check.exit !== undefined) {
      const exit = check.exit;
      await this.waitFor(new RegExp(check.expect ?? '[\\s\\S]'), from, ms);
      await this.quiet(SETTLE_MS);
      const ended = COMMAND_DONE.exec(this.output.slice(from));
      if (ended)
        throw new Error(`the program ended by itself (exit status ${ended[1]}) before its exit keys were sent`);
      if (check.keys !== undefined) {
        const typed = this.mark;
        this.send({ type: 'input', channel: 0, data: check.keys });
        await this.waitFor(new RegExp(check.then ?? '[\\s\\S]'), typed, ms);
        await this.quiet(SETTLE_MS);
      }
      const back = this.mark;
      this.send({ type: 'input', channel: 0, data: exit });
      const again = setInterval(
        () => this.mark === back && this.send({ type: 'input', channel: 0, data: exit }),
        EXIT_AGAIN_MS,
      );
      try {
        await this.waitFor(COMMAND_DONE, back, ms, 'raw');
      } finally {
        clearInterval(again);
      }
      return;
    }
    const status = Number((await this.waitFor(COMMAND_DONE, from, ms, 'raw'))[1]);
    const allowed = check.ok ?? [0];
    if (!allowed.includes(status)) throw new Error(`exit status ${status} (expected ${allowed.join(' or ')})`);
    if (check.expect !== undefined && !new RegExp(check.expect).test(this.since(from))) {
      throw new Error(`the output does not match ${check.expect}`);
    }
  }

  /** Resolves once nothing has come from the server for `ms`. */
  quiet(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer = setTimeout(done, ms);
      const stop = this.client.watch(() => {
        clearTimeout(timer);
        timer = setTimeout(done, ms);
      });
      function done(): void {
        stop();
        resolve();
      }
    });
  }

  close(): void {
    this.screen.dispose();
    this.client.terminate();
  }
}
