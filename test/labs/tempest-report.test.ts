// labs/cloud/tempest_report.py, what `labs/cloud/tempest smoke` and `api` print of Tempest's results: fed a
// subunit v2 stream such as `tempest run --subunit` writes (made here with python3-subunit, which Debian's
// tempest package brings: labs/cloud/install), it must keep every line within the slide's 90-column pane,
// say why a test failed, and count per service. The real runs are in `npm run labs:check` (tempest-*).
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPORT = join(import.meta.dirname, '..', '..', 'labs', 'cloud', 'tempest_report.py');
const PYTHON = '/usr/bin/python3';

// One test per [id, status, seconds, reason]: status as subunit says it (success, fail, skip).
type Row = readonly [string, 'success' | 'fail' | 'skip', number, string];

const WRITER = `
import datetime, json, sys
from subunit import StreamResultToBytes
out = StreamResultToBytes(sys.stdout.buffer)
t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
for test_id, status, seconds, reason in json.loads(sys.argv[1]):
    out.status(test_id=test_id, test_status='inprogress', timestamp=t0)
    if reason:
        name = 'traceback' if status == 'fail' else 'reason'
        out.status(test_id=test_id, file_name=name, file_bytes=reason.encode(), mime_type='text/plain; charset=utf8', eof=True)
    out.status(test_id=test_id, test_status=status, timestamp=t0 + datetime.timedelta(seconds=seconds))
`;

function stream(rows: readonly Row[]): Buffer {
  return execFileSync(PYTHON, ['-c', WRITER, JSON.stringify(rows)]);
}

function report(mode: 'live' | 'count', rows: readonly Row[]): { code: number | null; lines: string[] } {
  const result = spawnSync(PYTHON, [REPORT, mode], { input: stream(rows), encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return { code: result.status, lines: result.stdout.trimEnd().split('\n') };
}

const LONG = 'tempest.api.image.v2.test_images.BasicOperationsImagesTest.test_register_upload_get_image_file[id-139b765e-7f3d-4b3d-8b37-3ca3876ee318,smoke]';
const SERVER = 'tempest.api.compute.servers.test_create_server.ServersTestJSON';
const FAULT =
  "Traceback (most recent call last):\n  File \"x.py\", line 1\ntempest.exceptions.BuildErrorException: Server 1 failed to build\nDetails: Fault: {'code': 500, 'created': '2026-12-05T07:59:47Z', 'message': 'No valid host was found. '}. Server boot request ID: req-4c33.";

describe('tempest_report.py', () => {
  it('shows one line per test within 90 columns, the reason of a failure, and the totals', () => {
    const { code, lines } = report('live', [
      ['tempest.api.identity.v3.test_tokens.TokensV3Test.test_create_token[id-6f8e4436-fc96-4282-8122-e41df57197a9]', 'success', 0.4, ''],
      [LONG, 'success', 12.25, ''],
      [`setUpClass (${SERVER})`, 'fail', 0, FAULT],
      ['tempest.api.network.test_networks.NetworksTest.test_external_network_visibility[id-af774677]', 'skip', 0, 'public_network_id is not set'],
    ]);
    expect(code).toBe(1);
    expect(lines).toEqual([
      '  ok       0,4 s  identity  TokensV3Test.test_create_token',
      '  ok      12,2 s  image     BasicOperationsImagesTest.test_register_upload_get_image_fi…',
      '  ÉCHEC    0,0 s  compute   ServersTestJSON (setUpClass)',
      '                   Fault 500 : No valid host was found. ',
      '  ignoré   0,0 s  network   NetworksTest.test_external_network_visibility',
      '                   public_network_id is not set',
      expect.stringMatching(/^4 tests en \d+ s : 2 réussis, 1 en échec, 1 ignorés$/),
    ]);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(90);
  });

  it('exits 0 when nothing failed: the slide’s check reads « 0 en échec »', () => {
    const { code, lines } = report('live', [[`${SERVER}.test_list_servers[id-9a438d88,smoke]`, 'success', 0.5, '']]);
    expect(code).toBe(0);
    expect(lines.at(-1)).toMatch(/^1 tests en \d+ s : 1 réussis, 0 en échec, 0 ignorés$/);
  });

  it('counts per service, the Heat plugin’s API tests as orchestration, and lists each failure', () => {
    const { code, lines } = report('count', [
      ['tempest.api.identity.v3.test_tokens.TokensV3Test.test_create_token[id-1]', 'success', 0.1, ''],
      ['tempest.api.identity.admin.v3.test_credentials.CredentialsTestJSON.test_credentials_create_get_update_delete[id-2]', 'fail', 0.7, "tempest.lib.exceptions.BadRequest: Bad request\nDetails: {'code': 400, 'message': 'Additional properties are not allowed'}"],
      ['tempest.api.compute.admin.test_agents.AgentsAdminTestJSON.test_list_agents[id-3]', 'skip', 0, 'The os-agents API is not supported.'],
      ['heat_tempest_plugin.tests.api.test_heat_api.stacks_create_stack.test_request[id-4]', 'success', 0.3, ''],
    ]);
    expect(code).toBe(1);
    expect(lines.slice(0, 5)).toEqual([
      'service          réussis   échecs  ignorés',
      'identity               1        1        0',
      'compute                0        0        1',
      'orchestration          1        0        0',
      'total                  2        1        1',
    ]);
    expect(lines.slice(5)).toEqual([
      '',
      'Échecs (stestr failing : le détail) :',
      '  identity  CredentialsTestJSON.test_credentials_create_get_update_delete',
      "      Details: {'code': 400, 'message': 'Additional properties are not allowed'}",
    ]);
  });
});
