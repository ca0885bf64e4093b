/**
 * At home, without a lab server: the built deck served by a plain static file server. Each demo pane
 * replays the real recording of its demo (labs/recordings, made by `npm run record`); a click on a
 * command jumps to that command and plays its step; a broken recording says so in the pane.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaticServer } from '../../scripts/lib/static-server.ts';
import { screenshot, type PageProblems } from '../helpers/browser.ts';
import { staticDeck, type StaticDeck } from '../helpers/deck-browser.ts';
import { paneFit } from '../helpers/pane-fit.ts';
import { gotoReplaySlide, openDeck, PANE, paneText, runCommand, waitForPane } from '../helpers/deck-page.ts';

let deck: StaticDeck;
let files: StaticServer;
let browser: Browser;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  deck = await staticDeck({ width: 1280, height: 720 });
  ({ files, browser, page, problems } = deck);
});

afterAll(() => deck?.close());

describe('replay without a lab server', () => {
  it('plays the recording of the demo on screen, and a click jumps to that command', async () => {
    await gotoReplaySlide(page, 'qemu-img create -f qcow2 /tmp/img.qcow2 6G');
    expect(await page.textContent(`${PANE} .lab-pane-badge`)).toBe('rejeu');
    // It plays by itself, to the guest's shell (whose BIOS clears the screen a moment after qemu-img).
    await waitForPane(page, /root@tiny:\/# /);
    await screenshot(page, 'replay-qemu-boot');

    // A click on `qemu-img create` goes back to it and plays that step only: the boot is not shown yet.
    await runCommand(page, 'qemu-img create');
    await page.waitForSelector(`${PANE} .lab-replay-bar[data-step="img-create"][data-state="paused"]`);
    const step = await paneText(page);
    expect(step).toMatch(/Formatting '\/tmp\/img\.qcow2'/);
    expect(step).not.toContain('root@tiny');
    // The next command plays on from there.
    await page.click(`${PANE} .lab-replay-bar button[title="Commande suivante"]`);
    await page.waitForSelector(`${PANE} .lab-replay-bar[data-step="boot"]`);
    await waitForPane(page, /root@tiny:\/# /);
    expect(problems.list).toEqual([]);
  });

  it('replays an OpenStack demo recorded against the lab cloud, the token masked', async () => {
    await gotoReplaySlide(page, 'openstack --os-cloud admin token issue');
    // The table's row, not the previous demo's screen the recording starts from (its URLs hold %(project_id)s).
    await waitForPane(page, /\|\s+project_id\s+\|/);
    const shown = await paneText(page);
    expect(shown).toContain('openstack --os-cloud admin token issue');
    expect(shown).toContain('********');
    expect(shown).not.toMatch(/gAAAA/);
    await gotoReplaySlide(page, 'openstack stack create --wait -t heat/servers_in_new_neutron_net.yaml');
    await waitForPane(page, /Server1\s+\|\s+ACTIVE/);
    expect(problems.list).toEqual([]);
  });

  it('has play/pause, seek and speed controls, and keys on them do not change slide', async () => {
    await gotoReplaySlide(page, 'virsh list --all');
    await page.waitForSelector(`${PANE} .lab-replay-bar[data-state="ended"]`, { timeout: 20_000 });
    await waitForPane(page, /tiny\s+running/);
    const hash = await page.evaluate(() => location.hash);
    await page.focus(`${PANE} .lab-replay-seek`);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => location.hash)).toBe(hash);
    expect(await page.inputValue(`${PANE} .lab-replay-seek`)).not.toBe(
      await page.getAttribute(`${PANE} .lab-replay-seek`, 'max'),
    );
    await page.selectOption(`${PANE} .lab-replay-speed`, '4');
    await page.click(`${PANE} .lab-replay-bar button[title="Lire"]`);
    await page.waitForSelector(`${PANE} .lab-replay-bar[data-state="ended"]`, { timeout: 20_000 });
    await waitForPane(page, /Domain '?tiny'? destroyed/);
    await screenshot(page, 'replay-virsh');
    expect(problems.list).toEqual([]);
  });

  it('says so in the pane when a recording is truncated, and plays what it could read', async () => {
    const other = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await other.route('**/recordings/qemu/cpu-flags.cast', async (route) => {
      const response = await route.fetch();
      const text = await response.text();
      await route.fulfill({ response, body: text.slice(0, Math.floor(text.length * 0.6)) });
    });
    await openDeck(other, files.url);
    await gotoReplaySlide(other, 'grep kvm /proc/modules');
    await other.waitForSelector(`${PANE} .lab-pane-message:not([hidden])`);
    expect(await other.textContent(`${PANE} .lab-pane-message`)).toMatch(
      /Enregistrement illisible : recordings\/qemu\/cpu-flags\.cast, ligne \d+ .*Le début est rejoué/,
    );
    await other.close();
  });

  it('plays a recording made by `asciinema rec` in the same pane', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asciinema-'));
    const file = join(dir, 'rec.cast');
    try {
      const recorded = spawnSync(
        'asciinema',
        ['rec', '--quiet', '--command', "printf 'enregistré par \\033[1masciinema\\033[0m\\n'", file],
        { encoding: 'utf8', stdio: 'ignore' },
      );
      expect(recorded.status).toBe(0);
      const body = readFileSync(file, 'utf8');
      const other = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await other.route('**/recordings/qemu/cpu-flags.cast', (route) =>
        route.fulfill({ body, contentType: 'application/x-asciicast' }),
      );
      await openDeck(other, files.url);
      await gotoReplaySlide(other, 'grep kvm /proc/modules');
      await waitForPane(other, /enregistré par asciinema/);
      await other.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('plays a cast made elsewhere, asciicast v3 and 160 columns wide, at its own width: nothing re-wrapped', async () => {
    const wide = `${'colonne '.repeat(19)}fin`;
    const body = [
      JSON.stringify({ version: 3, term: { cols: 160, rows: 30 } }),
      '# asciinema 3 : intervalles entre événements',
      JSON.stringify([0.1, 'o', 'moi@ailleurs:~$ echo large\r\n']),
      JSON.stringify([0.2, 'o', `${wide}\r\n`]),
      JSON.stringify([0.1, 'x', '0']),
      '',
    ].join('\n');
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await other.route('**/recordings/qemu/cpu-flags.cast', (route) =>
      route.fulfill({ body, contentType: 'application/x-asciicast' }),
    );
    await openDeck(other, files.url);
    await gotoReplaySlide(other, 'grep kvm /proc/modules');
    await waitForPane(other, /colonne colonne[\s\S]*fin/);
    const fit = await paneFit(other);
    expect(fit).toMatchObject({ cols: 160, rows: 30, wrapped: [] });
    await screenshot(other, 'replay-v3-wide');
    await other.close();
  });

  it('prints each demo command with its recorded output as text, instead of the terminal', async () => {
    await gotoReplaySlide(page, 'qemu-img info apache.qcow2');
    await page.emulateMedia({ media: 'print' });
    try {
      const slide = page.locator('.remark-visible .lab-slide');
      expect(await slide.locator('.lab-pane').isVisible()).toBe(false);
      const printed = slide.locator('.lab-print');
      expect(await printed.isVisible()).toBe(true);
      const text = await printed.innerText();
      expect(text).toMatch(
        /\$ qemu-img create -b base\.qcow2 -F qcow2 -f qcow2 apache\.qcow2 10G\nFormatting 'apache\.qcow2'/,
      );
      expect(text).toMatch(
        /\$ qemu-img info apache\.qcow2\nimage: apache\.qcow2\n[\s\S]*virtual size: 10 GiB[\s\S]*backing file: base\.qcow2/,
      );
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });
});
