# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A simulated fleet of lab hosts inside ONE throwaway sandbox (tests/kernel Sandbox).

Each host is a process tree in its own net + mount + UTS + IPC + PID namespace with a
copy-on-write root (overlay over /), its own /run, /tmp, proc, sysfs, hostname, machine-id and
sshd (host_init.py). The underlay is a bridge ul0 (172.31.0.1/24) in the sandbox; host N has
eth0 = 172.31.0.(10+N)/24 on it and a default route via 172.31.0.254, which nobody answers
(so that Ansible's ansible_default_ipv4 is filled without letting packets out). ansible-playbook
runs in the sandbox too and reaches the hosts over real SSH with an ordinary inventory file.
Nothing outlives the fleet: stop() ends the SSH masters, kills every host and removes the
underlay bridge last; the sandbox itself is then thrown away."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
COLLECTIONS = os.path.join(REPO, '.build', 'collections')
PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
ANSIBLE = os.path.join(os.path.dirname(sys.executable), 'ansible')
SYSTEM_PYTHON = '/usr/bin/python3'  # Debian's, with python3-pyroute2 0.7.2
# the hosts' Python (so its pyroute2): LABNET_FLEET_PYTHON=$PWD/.venv/bin/python for PyPI's 0.9.x
HOST_PYTHON = os.environ.get('LABNET_FLEET_PYTHON', SYSTEM_PYTHON)
UNDERLAY = '172.31.0.%d'
SSHD_CONFIG = '''Port 22
ListenAddress 0.0.0.0
HostKey /etc/ssh/labnet_host_ed25519_key
PidFile /run/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxStartups 100:30:200
Subsystem sftp internal-sftp
'''


def _write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as handle:
        handle.write(text)
    os.chmod(path, mode)


class Host:
    def __init__(self, name, index, proc, user):
        self.name = name
        self.index = index
        self.proc = proc
        self.pid = proc.pid  # the unshare process: in the host's namespaces but its PID namespace
        self.init = None  # the host's PID 1
        self.address = UNDERLAY % (10 + index)
        self.user = user
        self.up = True


class Fleet:
    """N hosts h1..hN. SPECIAL maps a host name to a dict: {'user': 'labnet'} (reached as an
    unprivileged user with sudo; with 'no_become': True, without become), {'python': PATH} (another
    interpreter), {'hidden': [PATH...]} (paths the host does not have, e.g. the system Python's
    pyroute2), {'down': True} (in the inventory but never started: unreachable)."""

    def __init__(self, sandbox, count, special=None):
        self.sandbox = sandbox
        self.tmp = os.path.join(sandbox.tmp, 'fleet')
        os.makedirs(self.tmp)
        self.cp = os.path.join(self.tmp, 'cp')
        os.makedirs(self.cp)
        self.special = special or {}
        self.hosts = []
        self.key = os.path.join(self.tmp, 'id_ed25519')
        subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'labnet-fleet', '-f', self.key], check=True)
        sandbox.sh('ip link add ul0 type bridge && ip addr add 172.31.0.1/24 dev ul0 && ip link set ul0 up')
        try:
            for index in range(1, count + 1):
                self._start('h%d' % index, index)
        except BaseException:
            self.stop()
            raise
        self.inventory = self._inventory()

    # -- hosts -------------------------------------------------------------------
    def _files(self, name, index, user):
        """The per-host files, copied into the host's upper layer before its root is built."""
        files = os.path.join(self.tmp, name, 'files')
        machine_id = '%032x' % (0x1abe1000 + index)
        _write(files + '/etc/hostname', name + '\n')
        _write(files + '/etc/hosts', '127.0.0.1 localhost\n127.0.1.1 %s\n' % name)
        _write(files + '/etc/machine-id', machine_id + '\n')
        _write(files + '/var/lib/dbus/machine-id', machine_id + '\n')
        _write(files + '/etc/ssh/sshd_config_labnet', SSHD_CONFIG)
        keyfile = files + '/etc/ssh/labnet_host_ed25519_key'
        subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', keyfile], check=True)
        with open(self.key + '.pub') as handle:
            pub = handle.read()
        _write(files + '/root/.ssh/authorized_keys', pub, 0o600)
        if user:
            # the user exists on this host only (its upper layer), not on the machine
            with open('/etc/passwd') as handle:
                passwd = handle.read()
            with open('/etc/shadow') as handle:
                shadow = handle.read()
            with open('/etc/group') as handle:
                group = handle.read()
            _write(files + '/etc/passwd', passwd + '%s:x:4242:4242::/home/%s:/bin/sh\n' % (user, user))
            _write(files + '/etc/shadow', shadow + '%s:*:19000:0:99999:7:::\n' % user, 0o640)
            _write(files + '/etc/group', group + '%s:x:4242:\n' % user)
            _write(files + '/etc/sudoers.d/labnet', '%s ALL=(ALL) NOPASSWD: ALL\n' % user, 0o440)
            _write(files + '/home/%s/.ssh/authorized_keys' % user, pub, 0o600)
            for path in (files + '/home/' + user, files + '/home/%s/.ssh' % user,
                         files + '/home/%s/.ssh/authorized_keys' % user):
                os.chown(path, 4242, 4242)
        return files

    def _start(self, name, index):
        spec = self.special.get(name, {})
        user = spec.get('user')
        if spec.get('down'):
            proc = None
        else:
            files = self._files(name, index, user)
            layers = os.path.join(self.tmp, name, 'layers')
            os.makedirs(layers)
            proc = subprocess.Popen(
                self.sandbox.enter() + ['unshare', '--net', '--mount', '--uts', '--ipc', '--pid', '--fork',
                                        '--kill-child=SIGKILL', '--propagation', 'private', '--',
                                        SYSTEM_PYTHON, os.path.join(HERE, 'host_init.py'), name, layers, files]
                + list(spec.get('hidden', ())),
                stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        host = Host(name, index, proc or type('Down', (), {'pid': None})(), user)
        host.up = proc is not None
        self.hosts.append(host)
        if not host.up:
            return host
        line = proc.stdout.readline().strip()
        if line != b'ready':
            raise RuntimeError('host %s did not start' % name)
        pid = proc.pid
        with open('/proc/%d/task/%d/children' % (pid, pid)) as handle:
            host.init = int(handle.read().split()[0])
        self.sandbox.sh(
            'ip neigh flush to {addr} dev ul0 2>/dev/null; '
            'ip link add ul-{name} type veth peer name eth0 netns {pid} && ip link set ul-{name} master ul0 up && '
            'nsenter -t {pid} -n sh -c "ip link set lo up && ip addr add {addr}/24 dev eth0 && ip link set eth0 up && '
            'ip route add default via 172.31.0.254"'.format(name=name, pid=pid, addr=host.address))
        return host

    def host(self, name):
        return [h for h in self.hosts if h.name == name][0]

    def on(self, name, script, check=True):
        """Run a shell script on host NAME (its namespaces, its root); returns stdout."""
        host = self.host(name)
        res = subprocess.run(self.sandbox.enter() + ['nsenter', '-t', str(host.init), '-a', 'sh', '-c', script],
                             capture_output=True, text=True, check=False)
        if check and res.returncode != 0:
            raise AssertionError('on %s: %s failed (%d):\n%s%s' % (name, script, res.returncode, res.stdout, res.stderr))
        return res.stdout if check else res

    def _inventory(self):
        lines = ['[lab]']
        for host in self.hosts:
            spec = self.special.get(host.name, {})
            line = '%s ansible_host=%s' % (host.name, host.address)
            if host.user:
                line += ' ansible_user=%s ansible_become=%s' % (host.user, 'false' if spec.get('no_become') else 'true')
            line += ' ansible_python_interpreter=%s' % spec.get('python', HOST_PYTHON if not spec.get('hidden') else SYSTEM_PYTHON)
            lines.append(line)
        lines += ['', '[lab:vars]', 'ansible_user=root',
                  'ansible_ssh_private_key_file=%s' % self.key,
                  "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
                  "-o ConnectTimeout=5 -o LogLevel=ERROR'"]
        path = os.path.join(self.tmp, 'inventory.ini')
        _write(path, '\n'.join(lines) + '\n')
        return path

    # -- ansible -----------------------------------------------------------------
    def env(self):
        return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR='1', ANSIBLE_PIPELINING='1',
                    ANSIBLE_HOST_KEY_CHECKING='0', ANSIBLE_SSH_CONTROL_PATH_DIR=self.cp, ANSIBLE_FORKS='10',
                    ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_LOCAL_TEMP=os.path.join(self.tmp, 'ansible-local'))

    def playbook(self, playbook, *extra, timeout=600):
        """Run PLAYBOOK (path relative to the repository) against the fleet; returns (rc, stdout, recap)."""
        argv = [PLAYBOOK, '-i', self.inventory, os.path.join(REPO, playbook)] + list(extra)
        res = subprocess.run(self.sandbox.enter() + ['--wd=' + REPO] + argv, capture_output=True, text=True,
                             env=self.env(), cwd=REPO, timeout=timeout, check=False)
        recap = {}
        for match in re.finditer(r'^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)',
                                 res.stdout, re.M):
            recap[match.group(1)] = dict(ok=int(match.group(2)), changed=int(match.group(3)),
                                         unreachable=int(match.group(4)), failed=int(match.group(5)))
        return res.returncode, res.stdout + res.stderr, recap

    def adhoc(self, pattern, module, args=''):
        argv = [ANSIBLE, '-i', self.inventory, pattern, '-m', module, '-a', args, '-o']
        res = subprocess.run(self.sandbox.enter() + argv, capture_output=True, text=True, env=self.env(),
                             cwd=REPO, check=False)
        return res.returncode, res.stdout + res.stderr

    # -- state -------------------------------------------------------------------
    def state(self, name):
        """What a host has that the lab could have made or changed: links, namespaces, records
        (the collection's bookkeeping directories and lock files under /run/labnet-netns are not counted), rules."""
        return self.on(name, 'ip -o link | sed "s/^[0-9]*: //; s/ link\\/.*//" | sort; ls /run/netns; '
                             'find /run/labnet-netns -type f ! -name "*.lock" 2>/dev/null; iptables -S; ip6tables -S')

    def stop(self):
        """End the SSH masters, kill every host, wait for their links to go, remove the underlay last."""
        for sock in os.listdir(self.cp) if os.path.isdir(self.cp) else []:
            subprocess.call(self.sandbox.enter() + ['ssh', '-o', 'ControlPath=' + os.path.join(self.cp, sock),
                                                    '-O', 'exit', 'x'], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
        for host in self.hosts:
            if host.up:
                host.proc.kill()
                host.proc.wait()
                host.up = False
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and json.loads(self.sandbox.sh('ip -j link show master ul0 2>/dev/null || echo []') or '[]'):
            time.sleep(0.05)
        self.sandbox.sh('ip link del ul0 2>/dev/null || true')
