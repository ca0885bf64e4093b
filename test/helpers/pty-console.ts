/** A pty (a VM's serial console, virsh console) plus what it printed, with event-driven waits on it. */
import type * as pty from 'node-pty';

/** A pty plus what it printed, with event-driven waits on that output. */
export class PtyConsole {
  private output = '';
  private readonly listeners = new Set<() => void>();
  private seq = 0;
  readonly exited: Promise<{ exitCode: number; signal?: number }>;
  exitCode: number | undefined;

  /** `prompt` is the shell prompt `run` waits for after each command. */
  constructor(
    readonly proc: pty.IPty,
    private readonly prompt: RegExp,
  ) {
    proc.onData((data) => {
      this.output += data;
      for (const listener of [...this.listeners]) listener();
    });
    this.exited = new Promise((resolve) =>
      proc.onExit((e) => {
        this.exitCode = e.exitCode;
        resolve(e);
      }),
    );
  }

  get text(): string {
    return this.output;
  }

  /** Resolves with the first match of `re` in the output after offset `from`. */
  waitFor(re: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.output.slice(from).match(re);
        if (!m) return;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve(m);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`no ${re} within ${timeoutMs} ms; the console ends with:\n${this.output.slice(-1500)}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Runs a shell command line in the guest and returns its output (without \r). */
  async run(command: string, timeoutMs = 15_000): Promise<string> {
    const n = ++this.seq;
    const from = this.output.length;
    // The echoed command line shows `$((n))`, only the output shows the marker itself. Serial output
    // ends its lines with \r\r\n.
    this.proc.write(`echo ==B$((${n}))==; ${command}; echo ==E$((${n}))==\r`);
    const m = await this.waitFor(new RegExp(`==B${n}==\\r*\\n([\\s\\S]*?)==E${n}==`), timeoutMs, from);
    await this.waitFor(this.prompt, timeoutMs, from + (m.index ?? 0));
    return (m[1] ?? '').replace(/\r/g, '');
  }
}
