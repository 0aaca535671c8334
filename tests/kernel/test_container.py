# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""container_netns_link with real Docker and real Podman containers.

No image can be pulled here: a tiny image is built from Debian's busybox-static and imported.
dockerd is started (without touching iptables) when it is not running; Podman is configured
for this kind of machine (runc, cgroupfs, explicit ulimits). Every container is removed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import subprocess
import tarfile
import tempfile
import uuid

import pytest

from conftest import assert_failed, assert_ok, four_runs, wait_for

IMAGE = 'labnet-busybox:test'
PODMAN_CONF = '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n' \
              '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n'


def run(*argv, **kw):
    return subprocess.run(list(argv), capture_output=True, text=True, check=kw.get('check', True))


def _image_tar(tmp):
    root = os.path.join(tmp, 'rootfs')
    os.makedirs(os.path.join(root, 'bin'))
    shutil.copy('/bin/busybox', os.path.join(root, 'bin', 'busybox'))
    for tool in ('sh', 'sleep', 'ip', 'cat'):
        os.symlink('busybox', os.path.join(root, 'bin', tool))
    path = os.path.join(tmp, 'rootfs.tar')
    with tarfile.open(path, 'w') as tar:
        tar.add(root, arcname='.')
    return path


def _start_dockerd():
    if run('docker', 'info', check=False).returncode == 0:
        return
    log = open(os.path.join(tempfile.gettempdir(), 'labnet-dockerd.log'), 'a')
    # --iptables=false: the test daemon leaves the host's firewall alone
    subprocess.Popen(['dockerd', '--iptables=false', '--ip6tables=false'], stdout=log, stderr=log,
                     stdin=subprocess.DEVNULL, start_new_session=True)
    wait_for(lambda: run('docker', 'info', check=False).returncode == 0, timeout=60)


@pytest.fixture(scope='session')
def runtimes():
    tmp = tempfile.mkdtemp(prefix='labnet-image-')
    try:
        tar = _image_tar(tmp)
        conf = os.path.join(tmp, 'containers.conf')
        with open(conf, 'w') as handle:
            handle.write(PODMAN_CONF)
        os.environ['CONTAINERS_CONF'] = conf
        _start_dockerd()
        run('docker', 'import', tar, IMAGE)
        run('podman', 'import', tar, IMAGE)
        yield {'docker': IMAGE, 'podman': 'localhost/' + IMAGE}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class Containers:
    """Containers started by a test; all removed at its end."""

    def __init__(self, runtime, image):
        self.runtime = runtime
        self.image = image
        self.names = []

    def start(self, *extra):
        name = 'labnet-test-%s' % uuid.uuid4().hex[:10]
        self.names.append(name)
        run(self.runtime, 'run', '-d', '--name', name, *extra, self.image, 'sleep', '1000')
        return name

    def pid(self, name):
        return int(run(self.runtime, 'inspect', '--format', '{{.State.Pid}}', name).stdout.strip())

    def restart(self, name):
        old = self.pid(name)
        run(self.runtime, 'restart', '-t', '0', name)
        wait_for(lambda: self.pid(name) not in (0, old))
        return self.pid(name)

    def cleanup(self):
        for name in self.names:
            args = ['rm', '-f'] + (['-t', '0'] if self.runtime == 'podman' else []) + [name]
            run(self.runtime, *args, check=False)


@pytest.fixture(params=['docker', 'podman'])
def containers(request, runtimes):
    box = Containers(request.param, runtimes[request.param])
    try:
        yield box
    finally:
        box.cleanup()


def eth0_mac_inside(containers, name):
    return run(containers.runtime, 'exec', name, 'cat', '/sys/class/net/eth0/address').stdout.strip()


@pytest.mark.parametrize('mode', ['symlink', 'bind'])
def test_link_follows_the_container_across_restarts(sandbox, containers, mode):
    name = containers.start()
    real = four_runs(sandbox, 'container_netns_link', name='app', container=name, runtime=containers.runtime, mode=mode)
    link = real['links'][0]
    assert link['pid'] == containers.pid(name) and link['runtime'] == containers.runtime and link['mode'] == mode
    mac = eth0_mac_inside(containers, name)
    # `ip netns exec app` is inside the container: the same eth0
    assert mac and mac in sandbox.sh('ip netns exec app ip link show eth0')
    # restart: new PID, new namespace; the old link is stale until the next run repairs it
    new_pid = containers.restart(name)
    check = assert_ok(sandbox.module('container_netns_link', check=True, name='app', container=name, mode=mode))
    assert check['changed'] and check['diff']['before']['app'].get('stale') is True
    real = assert_ok(sandbox.module('container_netns_link', name='app', container=name, mode=mode))
    assert real['diff'] == check['diff'] and real['links'][0]['pid'] == new_pid
    assert eth0_mac_inside(containers, name) in sandbox.sh('ip netns exec app ip link show eth0')
    assert not assert_ok(sandbox.module('container_netns_link', name='app', container=name, mode=mode))['changed']
    # absent: link or bind mount gone, the container is untouched
    four_runs(sandbox, 'container_netns_link', name='app', state='absent')
    assert not sandbox.ok('test -e /run/netns/app') and not sandbox.ok('test -L /run/netns/app')
    assert containers.pid(name) == new_pid


def test_mode_change_and_pid_mode(sandbox, containers):
    name = containers.start()
    pid = containers.pid(name)
    assert_ok(sandbox.module('container_netns_link', name='app', pid=pid))
    assert sandbox.sh('readlink /run/netns/app').strip() == '/proc/%d/ns/net' % pid
    res = assert_ok(sandbox.module('container_netns_link', name='app', pid=pid, mode='bind'))
    assert res['changed'] and not sandbox.ok('test -L /run/netns/app')
    assert 'eth0' in sandbox.sh('ip netns exec app ip link show')


def test_seed_recipe_link_gone_stale_is_repaired(sandbox, containers):
    name = containers.start()
    old = containers.pid(name)
    sandbox.sh('ln -s /proc/%d/ns/net /run/netns/app' % old)  # the seed's recipe
    containers.restart(name)
    assert not sandbox.ok('ip netns exec app true')  # dangles now
    res = assert_ok(sandbox.module('container_netns_link', name='app', container=name))
    assert res['changed'] and res['diff']['before']['app']['target'] == '/proc/%d/ns/net' % old
    assert sandbox.ok('ip netns exec app ip link show eth0')


def test_refusals(sandbox, containers):
    stopped = containers.start()
    run(containers.runtime, 'stop', '-t', '0', stopped)
    host = containers.start('--network', 'host')
    before = sandbox.snapshot()
    args = dict(name='app', runtime=containers.runtime)
    assert_failed(sandbox.module('container_netns_link', container=stopped, **args), 'is not running')
    assert_failed(sandbox.module('container_netns_link', container='labnet-no-such-container', **args), 'not found')
    assert_failed(sandbox.module('container_netns_link', container=host, **args), "shares the host's network namespace")
    assert_failed(sandbox.module('container_netns_link', container=host, check=True, **args), "shares the host's")
    assert_failed(sandbox.module('container_netns_link', container=stopped, env={'PATH': '/nonexistent'}, **args),
                  'runtime %s is not installed' % containers.runtime)
    assert sandbox.snapshot() == before


def test_foreign_namespace_is_never_replaced_or_removed_unforced(sandbox, containers):
    name = containers.start()
    sandbox.sh('ip netns add taken')
    assert_failed(sandbox.module('container_netns_link', name='taken', container=name), 'did not make', 'force=true')
    assert_failed(sandbox.module('container_netns_link', name='taken', state='absent'), 'did not make')
    assert sandbox.ok('ip netns exec taken true') and 'eth0' not in sandbox.sh('ip netns exec taken ip link')
    res = assert_ok(sandbox.module('container_netns_link', name='taken', container=name, force=True))
    assert res['changed'] and 'eth0' in sandbox.sh('ip netns exec taken ip link')


def test_runtime_auto_detection(sandbox, containers):
    name = containers.start()
    res = assert_ok(sandbox.module('container_netns_link', name='auto', container=name))
    assert res['links'][0]['runtime'] == containers.runtime


@pytest.mark.parametrize('args, fragment', [
    (dict(name='x'), 'exactly one of container or pid'),
    (dict(name='x', container='c', pid=5), 'exactly one of container or pid'),
    (dict(name='x', pid=-3), 'not a process ID'),
    (dict(name='../x', pid=1), 'must not contain "/"'),
    (dict(name='x', container='c', runtime='lxc'), 'value of runtime must be one of'),
    (dict(name='x', pid=999999999), 'does not exist'),
])
def test_bad_input(sandbox, args, fragment):
    before = sandbox.snapshot()
    assert_failed(sandbox.module('container_netns_link', **args), fragment)
    assert sandbox.snapshot() == before


def test_process_in_the_hosts_namespace_is_refused(sandbox):
    # the sandbox's holder process lives in the namespace the module runs in: the host, for it
    assert_failed(sandbox.module('container_netns_link', name='x', pid=sandbox.pid), "shares the host's network namespace")
