# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PID 1 of one simulated lab host (see FLEET-NOTES): started by
`unshare --net --mount --uts --ipc --pid --fork --kill-child=SIGKILL --propagation private`.

    python3 host_init.py HOSTNAME LAYERS FILES [HIDDEN_PATH...]

Sets the hostname, builds a copy-on-write root (overlay: lower /, upper and work on a tmpfs at
LAYERS, the per-host files of FILES copied into the upper layer first), mounts its own proc,
sysfs, /dev, /run and /tmp, pivots into it, starts sshd, prints 'ready' and stays as a small
init: it reaps children and restarts sshd if it dies. SIGKILL of the unshare process ends it all.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ctypes
import os
import stat
import subprocess
import sys
import time


def run(*argv):
    subprocess.run(argv, check=True)


def sshd_alive():
    try:
        with open('/run/sshd.pid') as handle:
            os.kill(int(handle.read().strip()), 0)
        return True
    except (OSError, ValueError):
        return False


def main():
    name, layers, files = sys.argv[1:4]
    hidden = sys.argv[4:]  # paths this host does not have (overlay whiteouts: e.g. a Python package)
    ctypes.CDLL(None).prctl(15, b'labnet-init', 0, 0, 0)  # PR_SET_NAME: not bash/systemd
    run('hostname', name)
    run('mount', '--make-rprivate', '/')
    run('mount', '-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', layers)
    upper, work, root = (os.path.join(layers, d) for d in ('upper', 'work', 'root'))
    for path in (upper, work, root):
        os.mkdir(path)
    run('cp', '-a', files + '/.', upper)  # owners and modes kept (a user's authorized_keys)
    for path in hidden:
        os.makedirs(os.path.dirname(upper + path), exist_ok=True)
        os.mknod(upper + path, stat.S_IFCHR | 0o600, os.makedev(0, 0))
    run('mount', '-t', 'overlay', 'overlay', '-o', 'lowerdir=/,upperdir=%s,workdir=%s' % (upper, work), root)
    run('mount', '-t', 'proc', 'proc', root + '/proc')
    run('mount', '-t', 'sysfs', 'sysfs', root + '/sys')
    run('mount', '--rbind', '/dev', root + '/dev')
    run('mount', '-t', 'tmpfs', 'tmpfs', root + '/dev/shm')
    for path in ('/run', '/tmp'):
        run('mount', '-t', 'tmpfs', '-o', 'mode=1777' if path == '/tmp' else 'mode=0755', 'tmpfs', root + path)
    for path in ('/run/sshd', '/run/netns', '/run/lock', '/.oldroot'):
        os.makedirs(root + path, exist_ok=True)
    os.chdir(root)
    run('pivot_root', '.', '.oldroot')
    os.chroot('.')
    os.chdir('/')
    run('umount', '-l', '/.oldroot')
    os.rmdir('/.oldroot')
    sshd = ['/usr/sbin/sshd', '-f', '/etc/ssh/sshd_config_labnet', '-E', '/var/log/labnet-sshd.log']
    run(*sshd)
    print('ready', flush=True)
    while True:
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass
        if not sshd_alive():
            subprocess.call(sshd)
        time.sleep(0.5)


if __name__ == '__main__':
    main()
