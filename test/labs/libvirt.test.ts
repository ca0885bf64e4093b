// The libvirt lab: labs/libvirt/up starts virtlogd and libvirtd by hand (no systemd) and the domain "tiny";
// `virsh console tiny` in a real pty shows the guest's prompt; labs/libvirt/down leaves no daemon or qemu
// it started. Root only (qemu:///system); a temporary LAB_STATE keeps the test apart from a presenter's lab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pty from 'node-pty';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { PtyConsole } from '../helpers/pty-console.ts';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const labs = join(root, 'labs');
const out = join(labs, 'guest', 'out');
const tools = ['libvirtd', 'virtlogd', 'virsh', 'qemu-system-x86_64', 'qemu-img'];
const onPath = (tool: string) =>
  `${process.env.PATH ?? ''}${delimiter}/usr/sbin${delimiter}/sbin`.split(delimiter).some((d) => existsSync(join(d, tool)));

const missingTools = tools.filter((t) => !onPath(t));
const skipReason =
  process.getuid?.() !== 0
    ? 'needs root (libvirtd, qemu:///system)'
    : missingTools.length > 0 && !existsSync(join(out, 'vmlinuz'))
      ? `${missingTools.join(', ')} missing: run labs/setup as root`
      : '';

const VIRSH = ['-c', 'qemu:///system'];
const BOOT_TIMEOUT = 60_000;
const PROMPT = /root@tiny:\/# /;

/** Is `pid` still the process that had `starttime` (field 22 of /proc/PID/stat)? */
const sameProcess = (pid: number, starttime: string) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] === starttime;
  } catch {
    return false;
  }
};
const starttimeOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
};

describe.skipIf(skipReason !== '')(`libvirt lab: labs/libvirt/up and down${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let stateRoot = '';
  let state = '';
  let upDone = false;
  let downDone = false;
  const env = () => ({ ...process.env, LAB_STATE: stateRoot });
  const started: { name: string; pid: number; starttime: string }[] = [];
  let qemu: { pid: number; starttime: string } | undefined;

  beforeAll(async () => {
    if (!existsSync(join(out, 'vmlinuz'))) throw new Error(`${out} is not built: run labs/setup as root`);
    // A "tiny" defined by someone else's labs/libvirt/up would be reused, and this test could not tell.
    const before = await run('virsh', [...VIRSH, 'dominfo', 'tiny']).catch(() => undefined);
    if (before) throw new Error('a domain "tiny" already exists: stop that lab first (labs/libvirt/down)');
    stateRoot = mkdtempSync(join(tmpdir(), 'libvirt-test-'));
    chmodSync(stateRoot, 0o755); // libvirt's qemu user must reach the domain's files
    state = join(stateRoot, 'libvirt');
    const t0 = performance.now();
    upDone = true;
    await run(join(labs, 'libvirt', 'up'), [], { env: env(), timeout: BOOT_TIMEOUT + 30_000 });
    console.info(`labs/libvirt/up (daemons, define, start, guest prompt) in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    for (const line of readFileSync(join(state, 'started'), 'utf8').split('\n')) {
      const [kind, name, pid, starttime] = line.split(' ');
      if (kind === 'daemon' && name && pid && starttime) started.push({ name, pid: Number(pid), starttime });
    }
    const pid = Number(readFileSync('/run/libvirt/qemu/tiny.pid', 'utf8').trim());
    qemu = { pid, starttime: starttimeOf(pid) };
  }, BOOT_TIMEOUT + 40_000);

  afterAll(async () => {
    if (upDone && !downDone) {
      await run(join(labs, 'libvirt', 'down'), [], { env: env(), timeout: 60_000 }).catch(() => undefined);
    }
    if (stateRoot) rmSync(stateRoot, { recursive: true, force: true });
  }, 70_000);

  it('up defines and starts the domain tiny (TCG unless kvm-probe says kvm)', async () => {
    const { stdout: list } = await run('virsh', [...VIRSH, 'list']);
    expect(list).toMatch(/\btiny\s+running\b/);
    const { stdout: accel } = await run(join(labs, 'guest', 'kvm-probe'));
    const { stdout: xml } = await run('virsh', [...VIRSH, 'dumpxml', 'tiny']);
    expect(xml).toContain(`<domain type='${accel.trim() === 'kvm' ? 'kvm' : 'qemu'}'`);
    expect(xml).toContain(`<kernel>${join(state, 'vmlinuz')}</kernel>`);
    expect(readFileSync(`/proc/${qemu!.pid}/comm`, 'utf8').trim()).toBe('qemu-system-x86');
  });

  it('virsh console tiny shows the guest prompt after Enter', async () => {
    const c = new PtyConsole(
      pty.spawn('virsh', [...VIRSH, 'console', 'tiny'], { name: 'xterm-256color', cols: 120, rows: 40, env: process.env }),
      PROMPT,
    );
    try {
      await c.waitFor(/Escape character is \^\]/, 15_000);
      const from = c.text.length;
      c.proc.write('\r');
      await c.waitFor(PROMPT, BOOT_TIMEOUT, from);
      c.proc.write('hostname\r');
      await c.waitFor(/\r\ntiny\r*\n/, 15_000, from);
      // labs/setup sets pkttyagent aside: without polkitd it prints this on every virsh run on a tty.
      expect(c.text).not.toContain('Authorization not available');
      c.proc.write('\x1d'); // Ctrl-]
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('virsh console did not exit on Ctrl-]')), 10_000));
      await Promise.race([c.exited, timeout]);
    } finally {
      if (c.exitCode === undefined) c.proc.kill('SIGKILL');
    }
  }, BOOT_TIMEOUT + 30_000);

  it('down destroys and undefines tiny, and stops the daemons up started', async () => {
    downDone = true;
    await run(join(labs, 'libvirt', 'down'), [], { env: env(), timeout: 60_000 });
    expect(sameProcess(qemu!.pid, qemu!.starttime)).toBe(false);
    for (const d of started) expect(sameProcess(d.pid, d.starttime), `${d.name} (pid ${d.pid}) still running`).toBe(false);
    expect(existsSync(join(state, 'started'))).toBe(false);
    // If libvirtd was already running before up, it still is, and tiny is gone from it.
    if (!started.some((d) => d.name === 'libvirtd')) {
      const { stdout } = await run('virsh', [...VIRSH, 'list', '--all', '--name']);
      expect(stdout.split('\n')).not.toContain('tiny');
    }
  }, 70_000);
});
