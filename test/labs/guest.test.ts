// The tiny guest of the qemu lab (labs/guest/build, booted by labs/qemu/boot), driven through a real pty
// as a lab pane would: banner and auto-login prompt on the serial console, commands, the base image read
// through a fresh qcow2 overlay, poweroff. Builds nothing: labs/setup (as root) builds labs/guest/out
// (LAB_GUEST_OUT names another build, which labs/qemu/boot boots too).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pty from 'node-pty';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { PtyConsole } from '../helpers/pty-console.ts';

const root = join(import.meta.dirname, '..', '..');
const out = process.env.LAB_GUEST_OUT ?? join(root, 'labs', 'guest', 'out'); // LAB_GUEST_OUT: as labs/qemu/boot
const base = join(out, 'base.qcow2');
const artefacts = ['vmlinuz', 'initrd.img', 'base.qcow2', 'config-drive.iso'].map((f) => join(out, f));
const tools = ['qemu-system-x86_64', 'qemu-img', 'cpio', 'genisoimage', 'mke2fs'];
const onPath = (tool: string) =>
  `${process.env.PATH ?? ''}${delimiter}/usr/sbin${delimiter}/sbin`.split(delimiter).some((d) => existsSync(join(d, tool)));

// Skip only when the guest cannot be built here at all; a machine with the tools but no build is a failure.
const missingTools = tools.filter((t) => !onPath(t));
const built = artefacts.every((f) => existsSync(f));
const skipReason =
  !built && missingTools.length > 0 ? `labs/guest/out is not built and ${missingTools.join(', ')} missing: run labs/setup as root` : '';

const BOOT_TIMEOUT = 60_000; // TCG: 2-4 s here, 20 s on a loaded machine
const PROMPT = /root@apache:\/# /;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe.skipIf(skipReason !== '')(`tiny guest booted by labs/qemu/boot${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let dir = '';
  let overlay = '';
  let vm: PtyConsole | undefined;
  let baseSum = '';
  let started = 0;

  beforeAll(() => {
    if (!built) {
      throw new Error(`${out} is not built (${artefacts.filter((f) => !existsSync(f)).join(', ')} missing): run labs/setup as root`);
    }
    dir = mkdtempSync(join(tmpdir(), 'guest-test-'));
    overlay = join(dir, 'overlay.qcow2');
    baseSum = sha256(base);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', overlay]);
    started = performance.now();
    vm = new PtyConsole(
      pty.spawn(join(root, 'labs', 'qemu', 'boot'), [overlay], {
        name: 'xterm-256color',
        cols: 120,
        rows: 40,
        cwd: dir,
        env: process.env,
      }),
      PROMPT,
    );
  });

  afterAll(async () => {
    if (vm && vm.exitCode === undefined) {
      vm.proc.kill('SIGKILL');
      await Promise.race([vm.exited, new Promise((r) => setTimeout(r, 5_000))]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints how to leave, then the banner and an auto-login root prompt on the serial console', async () => {
    const c = vm!;
    await c.waitFor(/Ctrl-A puis x/, 10_000);
    await c.waitFor(/cours-openstack tiny cloud image -- kernel \S+/, BOOT_TIMEOUT);
    await c.waitFor(PROMPT, BOOT_TIMEOUT);
    console.info(`guest prompt after ${((performance.now() - started) / 1000).toFixed(2)} s`);
    expect(c.text).toMatch(/hostname: apache {3}ip: 10\.0\.2\.15 {3}disks: vda vdb/);
    expect(c.text).toContain('user_data: hello from apache');
    // labs/qemu/boot execs qemu: the pty's process is qemu itself.
    expect(readFileSync(`/proc/${c.proc.pid}/comm`, 'utf8').trim()).toBe('qemu-system-x86');
  }, BOOT_TIMEOUT + 15_000);

  it('runs commands: kernel command line and hostname from the config drive', async () => {
    const c = vm!;
    expect(await c.run('cat /proc/cmdline')).toMatch(/console=ttyS0/);
    expect((await c.run('hostname')).trim()).toBe('apache');
  }, 30_000);

  it('reads the motd of base.qcow2 through the overlay, and writes only to the overlay', async () => {
    const c = vm!;
    expect(await c.run('mount /dev/vda /mnt/disk && cat /mnt/disk/etc/motd')).toContain(
      "Bienvenue sur l'image de base (base.qcow2)",
    );
    expect(await c.run('echo copie > /mnt/disk/cow.txt && umount /mnt/disk && echo ok')).toMatch(/^ok$/m);
  }, 30_000);

  it('powers off, and qemu exits', async () => {
    const c = vm!;
    c.proc.write('poweroff\r');
    const { exitCode } = await Promise.race([
      c.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('qemu still running 20 s after poweroff')), 20_000)),
    ]);
    expect(exitCode).toBe(0);
    expect(alive(c.proc.pid)).toBe(false);
  }, 30_000);

  it('qemu-img info shows the overlay backed by base.qcow2, which stayed unchanged', () => {
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', overlay], { encoding: 'utf8' })) as {
      format: string;
      'backing-filename'?: string;
      'backing-filename-format'?: string;
    };
    expect(info.format).toBe('qcow2');
    expect(info['backing-filename']).toBe(base);
    expect(info['backing-filename-format']).toBe('qcow2');
    expect(execFileSync('qemu-img', ['info', overlay], { encoding: 'utf8' })).toContain(`backing file: ${base}`);
    expect(sha256(base)).toBe(baseSum);
  });
});
