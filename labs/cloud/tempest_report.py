#!/usr/bin/python3
"""tempest_report.py live|count: reads a subunit v2 stream (Tempest's results) on stdin.

  live   one line per test as it ends, then « N tests en S s : … réussis, … en échec, … ignorés »: what
         `labs/cloud/tempest smoke` shows in the slide's pane. Tempest's own lines (subunit-trace) carry the
         test's full id and are 100 to 140 columns wide; the pane has 90, and a wrapped line is hard to
         read: these show the service, the class and the test, cut to fit.
  count  the counts per service (passed, failed, skipped) of `stestr last --subunit`, and each failure
         with the last line of its traceback: what `labs/cloud/tempest api` prints.

Exit status 1 when a test failed, 0 otherwise.
"""
import re
import sys
import time

WIDTH = 88
SERVICES = ('identity', 'image', 'compute', 'network', 'volume', 'object_storage', 'orchestration')
PASSED, FAILED, SKIPPED = ('success', 'xfail'), ('fail', 'uxsuccess'), ('skip',)


def test_path(test_id):
    """The test's dotted name: a class's setUpClass failure is named « setUpClass (tempest.api.…) »."""
    inner = re.search(r'\((.*)\)', test_id)
    name = inner.group(1) if inner and not test_id.startswith('tempest.') else test_id
    return re.sub(r'\[.*\]$', '', name)


def service(test_id):
    name = test_path(test_id)
    if name.startswith('heat_tempest_plugin.tests.api'):
        return 'orchestration'
    parts = name.split('.')
    if len(parts) > 2 and parts[:2] == ['tempest', 'scenario']:
        return parts[2].replace('test_', '', 1)  # network_basic_ops, server_basic_ops…: one row a scenario
    return parts[2] if len(parts) > 2 and parts[:2] == ['tempest', 'api'] else 'autre'


def short(test_id):
    """« compute   ServersTestJSON.test_list_servers »: the service, the class and the test."""
    parts = test_path(test_id).split('.')
    if test_id.startswith(('setUpClass', 'tearDownClass')):
        name = '%s (%s)' % (parts[-1], test_id.split(' ')[0])
    else:
        name = '.'.join(parts[-2:])
    return '%-9s %s' % (service(test_id), name)


def fit(text, width):
    return text if len(text) <= width else text[:width - 1] + '…'


def reason(test):
    """The last meaningful line of a failure's traceback, or a skip's reason."""
    for key in ('traceback', 'reason'):
        detail = test['details'].get(key)
        if detail is None:
            continue
        lines = [line.strip() for line in detail.as_text().splitlines() if line.strip()]
        if lines:
            # A server's fault (« Details: Fault: {'code': 500, …, 'message': 'No valid host…'} »): its
            # message is what says why, and the dict around it would push it past the line's end.
            fault = re.search(r"Fault: \{'code': (\d+).*'message': '([^']*)'", lines[-1])
            return 'Fault %s : %s' % fault.groups() if fault else lines[-1]
    return ''


def seconds(test):
    start, stop = test['timestamps']
    return (stop - start).total_seconds() if start and stop else 0.0


def french(number):
    return ('%.1f' % number).replace('.', ',')


def read(on_test):
    import subunit
    import testtools
    # Whatever is not subunit in the stream (a warning printed by a worker) is kept apart, not shown.
    stream = subunit.ByteStreamToStreamResult(sys.stdin.buffer, non_subunit_name='stdout')
    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    try:
        stream.run(result)
    finally:
        result.stopTestRun()


def live():
    started = time.monotonic()
    tests = []

    def on_test(test):
        if test['status'] in ('exists', 'inprogress'):
            return
        tests.append(test)
        status = test['status']
        word = 'ok' if status in PASSED else 'ÉCHEC' if status in FAILED else 'ignoré'
        print('  %-6s %5s s  %s' % (word, french(seconds(test)), fit(short(test['id']), WIDTH - 18)), flush=True)
        if status not in PASSED and reason(test):
            print('                   ' + fit(reason(test), WIDTH - 19), flush=True)

    read(on_test)
    counts = [sum(t['status'] in kind for t in tests) for kind in (PASSED, FAILED, SKIPPED)]
    print('%d tests en %d s : %d réussis, %d en échec, %d ignorés'
          % (len(tests), round(time.monotonic() - started), *counts))
    return 1 if counts[1] else 0


def count():
    tests = []
    read(lambda test: tests.append(test) if test['status'] not in ('exists', 'inprogress') else None)
    rows = {}
    for test in tests:
        row = rows.setdefault(service(test['id']), [0, 0, 0])
        for i, kind in enumerate((PASSED, FAILED, SKIPPED)):
            row[i] += test['status'] in kind
    print('%-15s %8s %8s %8s' % ('service', 'réussis', 'échecs', 'ignorés'))
    order = [s for s in SERVICES if s in rows] + sorted(s for s in rows if s not in SERVICES)
    for name in order:
        print('%-15s %8d %8d %8d' % (name, *rows[name]))
    total = [sum(r[i] for r in rows.values()) for i in range(3)]
    print('%-15s %8d %8d %8d' % ('total', *total))
    failures = [t for t in tests if t['status'] in FAILED]
    if failures:
        print('\nÉchecs (stestr failing : le détail) :')
        for test in sorted(failures, key=lambda t: t['id']):
            print('  ' + fit(short(test['id']), WIDTH - 2))
            print('      ' + fit(reason(test), WIDTH - 6))
    return 1 if failures else 0


if __name__ == '__main__':
    if sys.argv[1:] == ['live']:
        sys.exit(live())
    if sys.argv[1:] == ['count']:
        sys.exit(count())
    print('usage : tempest_report.py live|count < flux subunit', file=sys.stderr)
    sys.exit(2)
