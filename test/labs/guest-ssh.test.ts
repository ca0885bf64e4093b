// The lab cloud's image (labs/guest/out/tiny-cloud.qcow2, booted as Nova boots it: BIOS, config drive as a
// CD-ROM) runs an SSH server: dropbear from Debian's package, user cirros with the key pair of the server's
// meta_data.json. Booted here under TCG with qemu's user network (no cloud needed: the metadata service
// does not answer, so the guest falls back to the config drive and says so), SSH through a forwarded
// port on 127.0.0.1. Then what Tempest's scenario tests do in the VM: ping and sudo as cirros, renew the
// lease with `kill -USR1` of udhcpc's pid file, a second NIC present at boot and one plugged while it runs
// (QMP's netdev_add + device_add, as nova interface-attach through libvirt), both addressed by DHCP, the
// default route staying on eth0. Builds nothing: labs/setup (as root) builds
// labs/guest/out; LAB_GUEST_OUT names another build (as for labs/qemu/boot).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const image = join(process.env.LAB_GUEST_OUT ?? join(root, 'labs', 'guest', 'out'), 'tiny-cloud.qcow2');
const tools = ['/usr/bin/qemu-system-x86_64', '/usr/bin/qemu-img', '/usr/bin/genisoimage', '/usr/bin/ssh'];
const missing = tools.filter((t) => !existsSync(t));
const skipReason = missing.length > 0 ? `${missing.join(', ')} missing: run labs/setup as root` : '';
const BOOT_TIMEOUT = 120_000; // TCG, 2 cores shared with other tests
const HOTPLUG_DHCP_TIMEOUT = 30_000; // from device_add to the address: ~2 s here under TCG

/** A free TCP port on 127.0.0.1, for qemu's hostfwd. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A QMP session on qemu's unix socket: `command` sends one command and resolves with its `return`. */
async function qmpConnect(path: string) {
  const socket = connect(path);
  socket.setEncoding('utf8');
  let buffer = '';
  const waiting: ((message: Record<string, unknown>) => void)[] = [];
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const message = JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>;
      buffer = buffer.slice(newline + 1);
      // the greeting, returns and errors, in order; events (DEVICE_ADDED...) are not answers
      if (!('event' in message)) waiting.shift()?.(message);
    }
  });
  const next = () => new Promise<Record<string, unknown>>((resolve) => waiting.push(resolve));
  await Promise.race([
    next(),
    new Promise((_, reject) => socket.once('error', reject)),
  ]);
  const command = async (execute: string, args?: Record<string, unknown>) => {
    const answer = next();
    socket.write(`${JSON.stringify({ execute, arguments: args })}\n`);
    const message = await answer;
    if ('error' in message) throw new Error(`QMP ${execute}: ${JSON.stringify(message.error)}`);
    return message.return;
  };
  await command('qmp_capabilities');
  return { command, close: () => socket.destroy() };
}

describe.skipIf(skipReason !== '')(`the cloud image's SSH server${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let dir = '';
  let port = 0;
  let qemu: ChildProcess | undefined;
  const consoleLog = () => (existsSync(join(dir, 'console.log')) ? readFileSync(join(dir, 'console.log'), 'utf8') : '');
  const ssh = (user: string, command: string) =>
    run(
      'ssh',
      ['-i', join(dir, 'key'), '-p', String(port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
        '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', `${user}@127.0.0.1`, command],
      { timeout: 30_000 },
    );

  beforeAll(async () => {
    if (!existsSync(image)) throw new Error(`${image} is not built: run labs/setup as root`);
    dir = mkdtempSync(join(tmpdir(), 'guest-ssh-'));
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'guest-ssh-test', '-f', join(dir, 'key')]);
    // and an ECDSA one, the type of the key pairs Tempest makes
    await run('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '384', '-N', '', '-f', join(dir, 'ecdsa')]);
    const key = readFileSync(join(dir, 'key.pub'), 'utf8').trim();
    const ecdsa = readFileSync(join(dir, 'ecdsa.pub'), 'utf8').trim();
    // meta_data.json as Nova writes it on a config drive: the key pair twice (public_keys and keys)
    const latest = join(dir, 'cd', 'openstack', 'latest');
    mkdirSync(latest, { recursive: true });
    writeFileSync(
      join(latest, 'meta_data.json'),
      JSON.stringify({
        uuid: '0f0e6a3c-1b2d-4c5e-8f90-123456789abc',
        hostname: 'vm-ssh',
        name: 'vm-ssh',
        public_keys: { cloud: `${key}\n`, tempest: `${ecdsa}\n` },
        keys: [
          { name: 'cloud', type: 'ssh', data: `${key}\n` },
          { name: 'tempest', type: 'ssh', data: `${ecdsa}\n` },
        ],
      }),
    );
    await run('genisoimage', ['-quiet', '-o', join(dir, 'config.iso'), '-V', 'config-2', '-r', '-J', join(dir, 'cd')]);
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', image, '-F', 'qcow2', join(dir, 'disk.qcow2')]);
    port = await freePort();
    const started = performance.now();
    qemu = spawn(
      'qemu-system-x86_64',
      ['-accel', 'tcg', '-m', '256', '-display', 'none', '-monitor', 'none', '-serial', `file:${join(dir, 'console.log')}`,
        '-qmp', `unix:${join(dir, 'qmp.sock')},server=on,wait=off`,
        '-drive', `file=${join(dir, 'disk.qcow2')},if=virtio`, '-drive', `file=${join(dir, 'config.iso')},media=cdrom`,
        '-nic', `user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:${port}-:22`,
        // eth1, present at boot, on its own subnet: 10.0.4.15
        '-nic', 'user,model=virtio-net-pci,net=10.0.4.0/24'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + BOOT_TIMEOUT;
    while (!/vm-ssh login:/.test(consoleLog())) {
      if (qemu.exitCode !== null) throw new Error(`qemu exited (${qemu.exitCode}):\n${consoleLog()}`);
      if (Date.now() > deadline) throw new Error(`no login prompt within ${BOOT_TIMEOUT} ms:\n${consoleLog()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    console.info(`login prompt after ${((performance.now() - started) / 1000).toFixed(2)} s`);
  }, BOOT_TIMEOUT + 30_000);

  afterAll(() => {
    qemu?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says on its console where its metadata came from and that dropbear listens', () => {
    const text = consoleLog();
    expect(text).toMatch(/hostname: vm-ssh {3}ip: 10\.0\.2\.15/);
    // qemu's user network has no 169.254.169.254: the config drive, as cloud-init would fall back to
    expect(text).toMatch(/config-drive: \/dev\/sr0 {3}metadata: config-drive/);
    expect(text).toMatch(/ssh: dropbear on port 22, user cirros \(password gocubsgo, 2 key\(s\)\)/);
  });

  it('lets cirros in with the key of meta_data.json, in its home, and has the course’s curl', async () => {
    const { stdout } = await ssh(
      'cirros',
      'id; hostname; pwd; ls -l .ssh/authorized_keys; curl; echo status=$?; echo x >/dev/null && echo devnull-ok',
    );
    expect(stdout).toContain('uid=1000(cirros) gid=1000(cirros)');
    expect(stdout).toMatch(/^vm-ssh$/m);
    expect(stdout).toMatch(/^\/home\/cirros$/m);
    expect(stdout).toMatch(/^-rw------- +1 cirros +cirros .*authorized_keys$/m);
    expect(stdout).toMatch(/^status=2$/m); // curl without a URL: its usage, as the wrapper over wget says
    expect(stdout).toMatch(/^devnull-ok$/m); // mdev made /dev/null 0660: init gives it back to everyone
  }, 60_000);

  it('lets cirros in with an ECDSA key too', async () => {
    const { stdout } = await run(
      'ssh',
      ['-i', join(dir, 'ecdsa'), '-p', String(port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
        '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', 'cirros@127.0.0.1', 'id -un'],
      { timeout: 30_000 },
    );
    expect(stdout.trim()).toBe('cirros');
  }, 60_000);

  it('refuses root, and a key it was not given', async () => {
    await expect(ssh('root', 'true')).rejects.toThrow(/Permission denied/);
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
    await expect(
      run('ssh', ['-i', join(dir, 'other'), '-p', String(port), '-o', 'StrictHostKeyChecking=no', '-o',
        'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', 'cirros@127.0.0.1', 'true'], { timeout: 30_000 }),
    ).rejects.toThrow(/Permission denied/);
  }, 60_000);

  it('lets cirros ping, as Tempest does over SSH, its other commands staying cirros', async () => {
    // busybox's ping needs a raw socket: busybox is setuid root, and drops root in every applet but a few
    // (ping among them). 10.0.2.2 is qemu's user network gateway, which answers pings itself.
    const { stdout } = await ssh(
      'cirros',
      'ping -c 1 -W 5 10.0.2.2; echo ping=$?; id -u; head -c1 /etc/dropbear/dropbear_ed25519_host_key >/dev/null 2>&1; echo head=$?; cat /proc/1/environ >/dev/null 2>&1; echo cat=$?',
    );
    expect(stdout).toMatch(/1 packets transmitted, 1 packets received/);
    expect(stdout).toMatch(/^ping=0$/m);
    expect(stdout).toMatch(/^1000$/m); // the shell and the applets it runs stay cirros
    expect(stdout).toMatch(/^head=1$/m); // the host key is root's (0600): head dropped root
    expect(stdout).toMatch(/^cat=1$/m);
  }, 60_000);

  it('gives a NIC present at boot other than eth0 its address by DHCP', async () => {
    let shown = '';
    const deadline = Date.now() + HOTPLUG_DHCP_TIMEOUT;
    while (!/inet 10\.0\.4\.15\/24/.test(shown)) {
      if (Date.now() > deadline) throw new Error(`eth1 has no DHCP address:\n${shown}`);
      shown = (await ssh('cirros', 'ip address show eth1 2>&1')).stdout;
      if (!/inet 10\.0\.4\.15\/24/.test(shown)) await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(shown).toMatch(/inet 10\.0\.4\.15\/24/);
  }, HOTPLUG_DHCP_TIMEOUT + 30_000);

  it('lets cirros sudo, as on CirrOS, with each argument kept as given', async () => {
    const { stdout } = await ssh(
      'cirros',
      `sudo id -u; sudo printf '%s|' 'a b' "c'd" '$HOME' '*'; echo; sudo head -c 4 /etc/dropbear/dropbear_ed25519_host_key | wc -c; sudo; echo usage=$?`,
    );
    expect(stdout).toMatch(/^0$/m);
    expect(stdout).toMatch(/^a b\|c'd\|\$HOME\|\*\|$/m); // no word split, no expansion on the way
    expect(stdout).toMatch(/^4$/m); // root's host key, readable through sudo only
    expect(stdout).toMatch(/^usage=1$/m);
  }, 60_000);

  it('keeps udhcpc running with its pid file, and renews the lease on USR1 as Tempest does', async () => {
    // test_subnet_details: `cat /var/run/udhcpc.eth0.pid`, `sudo /bin/kill -USR1 PID`, then resolv.conf
    const { stdout } = await ssh(
      'cirros',
      `pid=$(cat /var/run/udhcpc.eth0.pid); cat /proc/$pid/comm; sudo sh -c ': >/etc/resolv.conf'; echo empty=$(wc -c </etc/resolv.conf); sudo /bin/kill -USR1 $pid; for i in 1 2 3 4 5 6 7 8 9 10; do [ -s /etc/resolv.conf ] && break; sleep 1; done; cat /etc/resolv.conf`,
    );
    expect(stdout).toMatch(/^udhcpc$/m);
    expect(stdout).toMatch(/^empty=0$/m);
    expect(stdout).toMatch(/^nameserver 10\.0\.2\.3$/m); // written again by the renewal, from qemu's DHCP
  }, 60_000);

  it('gives a NIC plugged while it runs an address by DHCP, the default route staying on eth0', async () => {
    const qmp = await qmpConnect(join(dir, 'qmp.sock'));
    try {
      // a third user network on its own subnet (10.0.3.0/24: eth2 gets 10.0.3.15, router 10.0.3.2)
      await qmp.command('netdev_add', { type: 'user', id: 'hotplug1', net: '10.0.3.0/24' });
      await qmp.command('device_add', { driver: 'virtio-net-pci', netdev: 'hotplug1', id: 'nic1' });
    } finally {
      qmp.close();
    }
    const plugged = performance.now();
    let shown = '';
    while (!/inet 10\.0\.3\.15\/24/.test(shown)) {
      if (performance.now() - plugged > HOTPLUG_DHCP_TIMEOUT) {
        throw new Error(`eth2 has no DHCP address ${HOTPLUG_DHCP_TIMEOUT} ms after device_add:\n${shown}`);
      }
      await new Promise((r) => setTimeout(r, 1_000));
      shown = (await ssh('cirros', 'ip address show eth2 2>&1')).stdout;
    }
    console.info(`hot-plugged eth2 addressed ${((performance.now() - plugged) / 1000).toFixed(2)} s after device_add`);
    const { stdout } = await ssh('cirros', 'ip route; echo ---; cat /etc/resolv.conf');
    const [routes = '', resolv = ''] = stdout.split('---\n');
    expect(routes).toMatch(/^default via 10\.0\.2\.2 dev eth0/m);
    expect(routes.match(/^default/gm)).toHaveLength(1);
    expect(routes).toMatch(/^10\.0\.3\.0\/24 dev eth2/m);
    expect(routes).toMatch(/^10\.0\.4\.0\/24 dev eth1/m);
    expect(resolv.trim()).toBe('nameserver 10.0.2.3');
    // and through eth2: its own gateway answers a ping from cirros
    expect((await ssh('cirros', 'ping -c 1 -W 5 -I eth2 10.0.3.2 >/dev/null; echo ping=$?')).stdout).toMatch(/ping=0/);
  }, HOTPLUG_DHCP_TIMEOUT + 60_000);
});
