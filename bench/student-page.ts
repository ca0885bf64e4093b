/**
 * A student of a hands-on class, for the `students` case: joins by name (POST JOIN_PATH with the
 * audience cookie, as the page does), then one WebSocket with both cookies, on the shared protocol
 * client. Its lab's prompt marks (OSC 133 D) are counted as they arrive, so that a command's latency is
 * the time from its Enter to the next prompt, as `labs:check` sees a command end.
 */
import { JOIN_PATH, type JoinAnswer } from '../src/protocol/classroom.ts';
import { connectSocket, ProtocolClient } from '../scripts/lib/protocol-client.ts';
import type { Target } from './client.ts';
import { pause } from './stats.ts';

/** A loaded class is what the case measures: its waits are long. */
const WAIT_MS = 300_000;
/** How often a student whose lab is being prepared (LAB_PREPARING) tries again, as the pane does. */
const RETRY_MS = 2000;
/** ESC ] 133 ; D ; then the status (at most 3 digits) and BEL: the lab's prompt starts with it. */
const MARK = '\u001b]133;D;';
const BEL = '\u0007';
const MARK_MAX = MARK.length + 4;

/** Joins the class as `name`; resolves with the cookies of the student's page (audience and student). */
export async function joinClass(target: Target, name: string): Promise<string> {
  const response = await fetch(`${target.origin}${JOIN_PATH}`, {
    method: 'POST',
    headers: { Cookie: target.audienceCookie, Origin: target.origin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const answer = (await response.json()) as JoinAnswer;
  const set = response.headers.get('set-cookie')?.split(';')[0];
  if (!answer.ok || !set)
    throw new Error(
      `bench: ${name} n’a pas pu rejoindre la classe : ${answer.ok ? 'pas de cookie' : `${answer.code} ${answer.message}`}`,
    );
  return `${target.audienceCookie}; ${set}`;
}

export class StudentPage {
  /** Prompt marks seen so far, the exit status of the last one, and when it came (performance.now()). */
  marks = 0;
  lastStatus = 0;
  lastMarkAt = 0;
  private carry = '';

  private constructor(readonly client: ProtocolClient) {
    client.onOutput = (_channel, payload) => this.scan(Buffer.from(payload).toString('latin1'));
  }

  /** `keep`: the page keeps the output (to read what a command said), else only counts it. */
  static async open(target: Target, cookie: string, keep = false): Promise<StudentPage> {
    const client = new ProtocolClient(await connectSocket({ port: target.port, origin: target.origin, cookie }), {
      keep,
    });
    const welcome = await client.hello(WAIT_MS);
    if (welcome.role !== 'student') throw new Error(`bench: page ouverte comme ${welcome.role}, pas comme élève`);
    return new StudentPage(client);
  }

  /**
   * Opens the student's own session of `lab` on channel 0 and waits for its first prompt. While the lab
   * is being prepared for them (their OpenStack project), the server answers LAB_PREPARING: try again.
   */
  async attach(lab: string, cols = 90, rows = 36): Promise<void> {
    const marks = this.marks;
    for (;;) {
      const from = this.client.messages.length;
      this.client.send({ type: 'attach', channel: 0, lab, cols, rows });
      const reply = await this.client.until(
        () =>
          this.client.messages
            .slice(from)
            .find((m) => (m.type === 'attached' || m.type === 'error') && m.channel === 0),
        `attach ${lab}`,
        WAIT_MS,
      );
      if (reply.type === 'attached') break;
      if (reply.type === 'error' && reply.code !== 'LAB_PREPARING')
        throw new Error(`bench: ${lab} refusé : ${reply.code} ${reply.message}`);
      await pause(RETRY_MS);
    }
    await this.client.until(() => (this.marks > marks ? true : undefined), `first prompt of ${lab}`, WAIT_MS);
  }

  input(data: string): void {
    this.client.send({ type: 'input', channel: 0, data });
  }

  /** Types `text` one key at a time, `keysPerSecond` on average with some jitter, as a person does. */
  async type(text: string, keysPerSecond: number, stop?: () => boolean): Promise<void> {
    for (const key of text) {
      if (stop?.()) return;
      this.input(key);
      await pause((1000 / keysPerSecond) * (0.6 + Math.random() * 0.8));
    }
  }

  /** Presses Enter; resolves with the ms until the next prompt mark and that command's exit status. */
  async enter(timeoutMs = WAIT_MS): Promise<{ readonly ms: number; readonly status: number }> {
    const marks = this.marks;
    const start = performance.now();
    this.input('\r');
    await this.client.until(() => (this.marks > marks ? true : undefined), 'the next prompt', timeoutMs);
    return { ms: this.lastMarkAt - start, status: this.lastStatus };
  }

  /** A new shell in a fresh folder (the pane's ↺): whatever the old one started is gone. */
  async reset(): Promise<void> {
    const marks = this.marks;
    this.client.send({ type: 'reset', channel: 0 });
    await this.client.until(() => (this.marks > marks ? true : undefined), 'the prompt after reset', WAIT_MS);
  }

  text(): string {
    return this.client.text(0);
  }

  close(): void {
    this.client.terminate();
  }

  private scan(chunk: string): void {
    const text = this.carry + chunk;
    let end = 0;
    for (let at = text.indexOf(MARK); at >= 0; at = text.indexOf(MARK, at + 1)) {
      const bel = text.indexOf(BEL, at + MARK.length);
      const status = text.slice(at + MARK.length, bel);
      if (bel < 0 || !/^\d{1,3}$/.test(status)) continue;
      this.marks++;
      this.lastStatus = Number(status);
      this.lastMarkAt = performance.now();
      end = bel + 1;
    }
    // The start of a mark split between two chunks; never a whole mark, which would count twice.
    this.carry = text.slice(Math.max(end, text.length - (MARK_MAX - 1)));
  }
}
