/**
 * The cloud lab's network demos, replayed at home without a lab server: their recordings were made in the
 * lab cloud's libvirt mode with the real Neutron agents (labs/cloud/network.sh), so the panes show what a
 * real data plane gives: an SSH session in the server through its floating IP, the metadata service
 * answering the VM, ping refused by the security group, the compute node's libvirt domain and instance
 * disk, the bridges and the routers' namespaces.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageProblems } from '../helpers/browser.ts';
import { staticDeck, type StaticDeck } from '../helpers/deck-browser.ts';
import { gotoReplaySlide, paneText, waitForPane } from '../helpers/deck-page.ts';

let deck: StaticDeck;
let browser: Browser;
let page: Page;
let problems: PageProblems;

async function replay(text: string, shows: RegExp): Promise<string> {
  await gotoReplaySlide(page, text);
  await waitForPane(page, shows, 60_000);
  return paneText(page);
}

beforeAll(async () => {
  deck = await staticDeck({ width: 1280, height: 720 });
  ({ browser, page, problems } = deck);
  expect(browser.isConnected()).toBe(true);
});

afterAll(() => deck?.close());

describe('the network demos, replayed', () => {
  it('shows ssh into the server through its floating IP, and ping stopped by the security group', async () => {
    const shown = await replay('ssh cirros@$IP', /100% packet loss/);
    expect(shown).toMatch(/password:/);
    expect(shown).toMatch(/cirros@vm1:~\$/);
    expect(problems.list).toEqual([]);
  });

  it('shows ssh with the key pair, and the metadata service answering inside the VM', async () => {
    expect(await replay('ssh -i cloud.key cirros@$IP', /cirros@vm1:~\$/)).toContain('ssh -i cloud.key cirros@');
    expect(await replay('ssh -i cloud.key cirros@$IP curl http://169.254.169.254/latest/', /meta-data/)).toContain(
      'curl http://169.254.169.254/latest/',
    );
  });

  it('shows the compute node’s libvirt domain and the instance disk with its base image', async () => {
    expect(
      await replay('virsh -r -c qemu:///system list', /<emulator>\/usr\/bin\/qemu-system-x86_64<\/emulator>/),
    ).toMatch(/instance-[0-9a-f]+\s+running/);
    expect(await replay('qemu-img info -U $DISK | fold -s', /backing file:\s+\//)).toContain('file format: qcow2');
  });

  it('shows the bridges and the routers’ namespaces Neutron made', async () => {
    expect(await replay('brctl show', /brq[0-9a-f-]+/)).toMatch(/vxlan-\d+/);
    expect(await replay('ip netns', /qrouter-[0-9a-f-]+/)).toMatch(/qdhcp-[0-9a-f-]+/);
    expect(problems.list).toEqual([]);
  });
});
