// The lab cloud's configuration templates (labs/cloud/templates/) and their renderer (labs/cloud/render.sh),
// without a cloud: every placeholder of every template is given by its render call (in labs/cloud/up or a
// script it sources, and every value given is used), the real renderer renders each call, and it fails in
// French, naming the template, the placeholder and the call, on what would otherwise make a broken config
// far from its cause.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const CLOUD = resolve(import.meta.dirname, '../../labs/cloud');
const TEMPLATES = join(CLOUD, 'templates');
const RENDER_SH = join(CLOUD, 'render.sh');
/** labs/cloud/up and the shell files it sources (common.sh, compute.sh…): where render is called. */
const SCRIPTS = readdirSync(CLOUD)
  .filter((file) => file === 'up' || file.endsWith('.sh'))
  .map((file) => ({ file, text: readFileSync(join(CLOUD, file), 'utf8') }));

interface RenderCall {
  readonly template: string;
  readonly dest: string;
  /** The variables the call names, from `VAR` or `VAR=VALUE`. */
  readonly names: readonly string[];
  /** `up: render nova.conf …`, for the test names. */
  readonly line: string;
}

/** The `render TEMPLATE DEST VAR…` calls of one script, continuation lines joined. */
function renderCalls(file: string, script: string): RenderCall[] {
  const lines = script.replace(/\\\n\s*/g, ' ').split('\n');
  return lines
    .filter((line) => /^\s*render\s/.test(line))
    .map((line) => {
      // Shell words: runs of unquoted text and "…" or '…' strings (`DB="$(DB nova)"` is one word).
      const words = line.trim().match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
      const [, template = '', dest = '', ...vars] = words;
      return { template, dest, names: vars.map((word) => word.split('=')[0] ?? ''), line: `${file}: ${line.trim()}` };
    });
}

/** The `${NAME}` placeholders of a template, its own `##` comments left out (render drops them). */
function placeholders(text: string): string[] {
  const body = text
    .split('\n')
    .filter((line) => !line.startsWith('##'))
    .join('\n');
  return [...body.matchAll(/\$\{([^}]*)\}/g)].map((match) => match[1] ?? '');
}

const calls = SCRIPTS.flatMap(({ file, text }) => renderCalls(file, text));
const templateFiles = readdirSync(TEMPLATES).sort();

describe('labs/cloud/templates and the render calls of labs/cloud/up and its scripts', () => {
  it('finds the calls and the templates, in up and in each script that writes configuration', () => {
    expect(templateFiles.length).toBeGreaterThanOrEqual(30);
    expect(calls.length).toBeGreaterThanOrEqual(30);
    const files = new Set(calls.map((call) => call.line.split(':')[0]));
    expect([...files].sort()).toEqual(['compute.sh', 'network.sh', 'swift.sh', 'up']);
  });

  it('renders every template, and every call names a template that exists', () => {
    const rendered = new Set(calls.map((call) => call.template));
    expect(templateFiles.filter((file) => !rendered.has(file))).toEqual([]);
    expect([...rendered].filter((file) => !templateFiles.includes(file))).toEqual([]);
  });

  it.each(calls.map((call) => [call.line, call] as const))('%s: gives exactly the placeholders', (_, call) => {
    const wanted = new Set(placeholders(readFileSync(join(TEMPLATES, call.template), 'utf8')));
    for (const name of wanted) expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    expect({ missing: [...wanted].filter((name) => !call.names.includes(name)) }).toEqual({ missing: [] });
    expect({ unused: call.names.filter((name) => !wanted.has(name)) }).toEqual({ unused: [] });
  });

  it('takes every variable named bare (VAR, not VAR=VALUE) from an assignment in up or its scripts', () => {
    const bare = new Set(calls.flatMap((call) => call.names.filter((name) => !call.line.includes(` ${name}=`))));
    const assigned = (name: string): boolean =>
      SCRIPTS.some(({ text }) => new RegExp(`(^|[\\s;])(local |export )?${name}=`, 'm').test(text));
    expect([...bare].filter((name) => !assigned(name))).toEqual([]);
  });

  it("spells common.sh's R, L and E as the templates do (${STATE}/run, /logs, /etc)", () => {
    const common = readFileSync(join(CLOUD, 'common.sh'), 'utf8');
    expect(common).toMatch(/^R=\$STATE\/run L=\$STATE\/logs E=\$STATE\/etc$/m);
  });

  it('renders each call of up with the real renderer: no placeholder and no ## line left', () => {
    const out = mkdtempSync(join(tmpdir(), 'cloud-templates-'));
    try {
      const script = calls
        .map((call, i) => {
          const values = call.names.map((name) => `'${name}=valeur-de-${name}'`).join(' ');
          return `render '${call.template}' "$OUT/${i}" ${values}`;
        })
        .join('\n');
      const result = bash(script, { CLOUD, OUT: out });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      calls.forEach((call, i) => {
        const text = readFileSync(join(out, String(i)), 'utf8');
        expect(text, call.template).not.toMatch(/\$\{|^##/m);
        expect(text.endsWith('\n'), call.template).toBe(true);
      });
      // One example read back: the nova.conf a maintainer edits, as a service reads it.
      const nova = readFileSync(join(out, String(calls.findIndex((c) => c.template === 'nova.conf'))), 'utf8');
      expect(nova).toContain('transport_url = valeur-de-RABBIT\n');
      expect(nova).toContain('instances_path = valeur-de-STATE/nova/instances\n');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

/** Runs SCRIPT in bash with render.sh sourced, as labs/cloud/up does (set -euo pipefail, umask 022). */
function bash(script: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  // stdin from /dev/null and --norc: Debian's bash reads ~/.bashrc when its stdin is a socket (as ssh's is).
  const result = spawnSync('bash', ['--norc', '-c', `set -euo pipefail; umask 022; . "$RENDER_SH"\n${script}`], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', RENDER_SH, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("compute.sh's and swift.sh's configuration files, written by their functions with the real renderer", () => {
  let state: string;
  beforeEach(() => {
    state = mkdtempSync(join(tmpdir(), 'cloud-state-'));
  });
  afterEach(() => rmSync(state, { recursive: true, force: true }));

  /** Runs SCRIPT after sourcing compute.sh and swift.sh as up does (E under a scratch STATE, nothing started). */
  const run = (script: string) => {
    const prelude = 'E=$STATE/etc; die() { echo "die: $*" >&2; exit 1; }; . "$CLOUD/compute.sh"; . "$CLOUD/swift.sh"';
    const result = bash(`${prelude}\nmkdir -p "$E/nova"\n${script}`, { CLOUD, STATE: state });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  };
  const read = (path: string): string => readFileSync(join(state, 'etc', path), 'utf8');
  /** privsep's helper, started with nova-compute's own config files (four sections give it). */
  const helper = (): string =>
    `helper_command = privsep-helper --config-file ${state}/etc/nova/nova.conf --config-file ${state}/etc/nova/nova-compute.conf\n`;

  it('nova-compute.conf: the fake driver alone', () => {
    run('COMPUTE=fake VIRT_TYPE= write_compute_conf');
    expect(read('nova/nova-compute.conf')).toBe(
      '[DEFAULT]\n# no VM: a fake hypervisor of 10 vCPU, 16 GiB, 1 TB (labs/cloud/lab_fake_driver.py)\n' +
        'compute_driver = lab_fake_driver.LabFakeDriver\n',
    );
  });

  it.each([
    ['qemu', 'real', 'virt_type = qemu\ncpu_mode = none\n', 'true', '300'],
    ['qemu', 'fake', 'virt_type = qemu\ncpu_mode = none\n', 'false', '0'],
    ['kvm', 'real', 'virt_type = kvm\n\n', 'true', '300'],
    ['kvm', 'fake', 'virt_type = kvm\n\n', 'false', '0'],
  ])('nova-compute.conf: libvirt, virt_type %s, data plane %s', (virtType, dataplane, libvirt, fatal, timeout) => {
    run(`COMPUTE=libvirt VIRT_TYPE=${virtType} DATAPLANE=${dataplane} write_compute_conf`);
    const conf = read('nova/nova-compute.conf');
    expect(conf).toContain(`vif_plugging_is_fatal = ${fatal}\nvif_plugging_timeout = ${timeout}\n`);
    // cpu_mode under TCG only; with KVM its line stays empty, as the file has always had it
    expect(conf).toContain(`[libvirt]\n${libvirt}[nova_sys_admin]\n${helper()}`);
    expect(conf.split(helper()).length - 1).toBe(4);
    expect(conf).not.toMatch(/\$\{|^##/m);
  });

  it('Swift: swift.conf, the three storage servers from one template, the proxy', () => {
    run('write_swift_conf');
    expect(read('swift/swift.conf')).toContain('swift_hash_path_prefix = lab-cloud\n');
    const ports = { account: 6202, container: 6201, object: 6200 };
    for (const [kind, port] of Object.entries(ports)) {
      const conf = read(`swift/${kind}-server.conf`);
      expect(conf).toContain(`bind_port = ${port}\n`);
      expect(conf).toContain(`swift_dir = ${state}/swift/rings\ndevices = ${state}/swift/node\n`);
      expect(conf).toContain(`log_name = swift-${kind}\n[pipeline:main]\npipeline = ${kind}-server\n`);
      expect(conf).toContain(`[app:${kind}-server]\nuse = egg:swift#${kind}\n`);
      // one template for the three: only the container server's process reads this section (swift-server.py)
      expect(conf).toContain('[container-updater]\n');
    }
    const proxy = read('swift/proxy-server.conf');
    expect(proxy).toContain('bind_port = 8080\n');
    expect(proxy).toContain('project_name = service\nusername = swift\npassword = swift\ndelay_auth_decision = true\n');
    expect(proxy).not.toMatch(/\$\{|^##/m);
  });
});

describe('render (labs/cloud/render.sh)', () => {
  let cloud: string;
  let dest: string;
  const template = (name: string, text: string): void => writeFileSync(join(cloud, 'templates', name), text);
  const run = (script: string, env: Record<string, string> = {}) => bash(script, { CLOUD: cloud, DEST: dest, ...env });
  const leftovers = (): string[] => readdirSync(cloud).filter((file) => file.includes('.render.'));

  beforeEach(() => {
    cloud = mkdtempSync(join(tmpdir(), 'render-'));
    mkdirSync(join(cloud, 'templates'));
    dest = join(cloud, 'out.conf');
  });
  afterEach(() => rmSync(cloud, { recursive: true, force: true }));

  it('replaces the named variables, from the shell or VAR=VALUE, and copies the values literally', () => {
    template('a.conf', '[DEFAULT]\nstate = ${STATE}/x\nurl = ${DB}\n');
    const result = run(`STATE=/srv/état; render a.conf "$DEST" STATE 'DB=mysql://u:p@h/d?s=/a&b=\\1 \${STATE} $HOME'`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('[DEFAULT]\nstate = /srv/état/x\nurl = mysql://u:p@h/d?s=/a&b=\\1 ${STATE} $HOME\n');
  });

  it('drops the ## lines, keeps the # comments and plain $ text, and ends with a newline', () => {
    template('a.conf', '## where this goes: ${NOT_A_PLACEHOLDER}\n# why = kept\npath = $PATH and $ alone\nlast');
    expect(run('render a.conf "$DEST"').status).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('# why = kept\npath = $PATH and $ alone\nlast\n');
  });

  it('fails in French, naming the template and the placeholder, when a named variable has no value', () => {
    template('a.conf', 'x = ${STATE}\n');
    const unset = run('unset STATE; render a.conf "$DEST" STATE');
    expect(unset.status).toBe(1);
    // bash:2: the line of the call in this `bash -c` script (up's file and line when up calls it).
    expect(unset.stderr).toBe(
      `labs/cloud/render.sh: ERREUR: modèle ${cloud}/templates/a.conf : \${STATE} n'a pas de valeur ` +
        '(variable STATE vide ou non définie ; appel de render : bash:2)\n',
    );
    const empty = run('render a.conf "$DEST" STATE=');
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain("a.conf : ${STATE} n'a pas de valeur");
    expect(() => statSync(dest)).toThrow();
    expect(leftovers()).toEqual([]);
  });

  it('never takes a placeholder from the environment: ${PATH} not named is an error', () => {
    template('a.conf', 'x = ${PATH}\n');
    const result = run('render a.conf "$DEST"');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "a.conf : ${PATH} n'est pas dans les variables passées à render (ajoutez PATH à son appel : bash:2)",
    );
  });

  it('fails on a missing template, a malformed placeholder and a bad argument', () => {
    const missing = run('render absent.conf "$DEST"');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`modèle ${cloud}/templates/absent.conf : introuvable`);
    template('a.conf', 'x = ${1X}\n');
    expect(run('render a.conf "$DEST" STATE=1').stderr).toContain('a.conf : « ${1X} » mal formé');
    template('b.conf', 'x = ${STATE\n');
    expect(run('render b.conf "$DEST" STATE=1').stderr).toContain('b.conf : « ${STATE » mal formé');
    expect(run('render b.conf "$DEST" 1X=2').stderr).toContain("b.conf : « 1X=2 » n'est ni VAR ni VAR=VALEUR");
  });

  it('replaces an existing file atomically and keeps its mode; a failed render leaves it untouched', () => {
    template('a.conf', 'password = ${PW}\n');
    writeFileSync(dest, 'old\n');
    chmodSync(dest, 0o640);
    const before = statSync(dest);
    expect(run('render a.conf "$DEST" PW=secret').status).toBe(0);
    const after = statSync(dest);
    expect(readFileSync(dest, 'utf8')).toBe('password = secret\n');
    expect(after.mode & 0o7777).toBe(0o640);
    expect(after.ino).not.toBe(before.ino); // a new file moved over the old one, never rewritten in place
    expect(run('render a.conf "$DEST" PW=').status).toBe(1);
    expect(readFileSync(dest, 'utf8')).toBe('password = secret\n');
    expect(leftovers()).toEqual([]);
  });

  it("gives a new file the umask's mode, and says so when the directory is missing", () => {
    template('a.conf', 'x = 1\n');
    expect(run('render a.conf "$DEST"').status).toBe(0);
    expect(statSync(dest).mode & 0o7777).toBe(0o644);
    const result = run('render a.conf "$CLOUD/absent/x.conf"');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('impossible de créer un fichier dans');
  });
});
