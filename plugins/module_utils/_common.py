# -*- coding: utf-8 -*-
# Copyright: (c) 2026, labnet.netns developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE to the labnet.netns collection. Not a public API: it may change at any time.
#
# What every module shares: the error type, name validation, the list convention
# ("items"), and the read -> plan -> apply runner. Nothing here touches the kernel;
# _netlink.py does. Planning is pure, so it is unit-tested without a kernel.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import gc
import ipaddress
import os
import re
import time
import traceback


STATE_CHOICES = ['present', 'absent']

# Benchmark aid: with LABNET_PROFILE set in the module's environment, results carry a
# 'profile' key (start-up, pyroute2 import, kernel requests and time). Not part of the
# documented results.
PROFILE = {'requests': 0, 'kernel_seconds': 0.0, 'pyroute2_import_seconds': 0.0}


def _profile(result):
    if not os.environ.get('LABNET_PROFILE'):
        return
    try:
        with open('/proc/self/stat') as handle:
            started = int(handle.read().rsplit(')', 1)[1].split()[19]) / os.sysconf('SC_CLK_TCK')
        with open('/proc/uptime') as handle:
            alive = float(handle.read().split()[0]) - started
    except (OSError, ValueError, IndexError):
        alive = None
    result['profile'] = dict(PROFILE, process_seconds=alive,
                             startup_seconds=None if alive is None else alive - (time.time() - PROFILE['run_start']))


class LabnetError(Exception):
    """The one error type of the collection; its text is what the user reads."""

    def __init__(self, msg, errno=None):
        super(LabnetError, self).__init__(msg)
        self.msg = msg
        self.errno = errno


# -- validation (mirrors iproute2 lib/utils.c and the kernel's dev_valid_name) ---------

_IFNAME_FORBIDDEN = set('/:%') | set(' \t\n\v\f\r')
# the kernel checks bytes with its own isspace(), whose Latin-1 table counts 0xA0 as space:
# in UTF-8 that byte ends characters such as 'à' (c3 a0), which the kernel therefore refuses
_IFNAME_FORBIDDEN_BYTES = frozenset(b'/:% \t\n\v\f\r\0\xa0')
_IFNAME_FORBIDDEN_NUL = frozenset(_IFNAME_FORBIDDEN | set('\0'))
_MAC_RE = re.compile(r'^([0-9a-f]{2}:){5}[0-9a-f]{2}$')


def _name_bytes(name, what):
    """NAME as the bytes the kernel and the file system get (a byte of another encoding, read back
    from them, is kept as Python's surrogate escape); a lone surrogate stands for no bytes."""
    try:
        return name.encode('utf-8', 'surrogateescape')
    except UnicodeEncodeError:
        raise LabnetError('%s %r is not valid text: it holds a lone surrogate, which no bytes stand for' % (what, name))


def validate_netns_name(name, what='namespace name'):
    if not isinstance(name, str) or name == '':
        raise LabnetError('%s must be a non-empty string' % what)
    if name in ('.', '..'):
        raise LabnetError('%s %r is not allowed' % (what, name))
    if '/' in name:
        raise LabnetError('%s %r must not contain "/"' % (what, name))
    if '\0' in name:
        raise LabnetError('%s %r must not contain a NUL byte' % (what, name))
    if len(_name_bytes(name, what)) > 255:
        raise LabnetError('%s is longer than 255 bytes' % what)
    return name


def validate_ifname(name, what='interface name'):
    if not isinstance(name, str) or name == '':
        raise LabnetError('%s must be a non-empty string' % what)
    if len(_name_bytes(name, what)) > 15:
        raise LabnetError('%s %r is longer than 15 bytes (the kernel limit)' % (what, name))
    if name in ('.', '..'):
        raise LabnetError('%s %r is not allowed' % (what, name))
    if name in ('all', 'default'):
        # net/*/conf/all and net/*/conf/default are settings, so register_netdevice() fails
        raise LabnetError('%s %r is reserved: the kernel refuses it (net.ipv4.conf.%s is not an interface)'
                          % (what, name, name))
    bad = sorted(_IFNAME_FORBIDDEN_NUL.intersection(name))
    if bad:
        raise LabnetError('%s %r contains forbidden character(s) %s (not allowed: "/", ":", "%%", white space)'
                          % (what, name, ', '.join(repr(c) for c in bad)))
    # (an ASCII name has no 0xa0 byte: the check below is for the others only)
    bad = [] if name.isascii() else sorted(set(c for c in name if set(_name_bytes(c, what)) & _IFNAME_FORBIDDEN_BYTES))
    if bad:
        raise LabnetError('%s %r contains character(s) %s that the kernel takes for white space '
                          '(their UTF-8 bytes include 0xa0)' % (what, name, ', '.join(repr(c) for c in bad)))
    return name


def normalize_mac(mac, what='MAC address'):
    if mac is None:
        return None
    value = str(mac).strip().lower().replace('-', ':')
    if not _MAC_RE.match(value):
        raise LabnetError('%s %r is not of the form aa:bb:cc:dd:ee:ff' % (what, mac))
    if int(value[:2], 16) & 1:
        raise LabnetError('%s %r is a multicast address' % (what, mac))
    if value == '00:00:00:00:00:00':
        raise LabnetError('%s %r is all zeros, which the kernel refuses' % (what, mac))
    return value


def validate_mtu(mtu, what='mtu'):
    if mtu is not None and not 68 <= mtu <= 65535:
        raise LabnetError('%s %s is out of range (68-65535)' % (what, mtu))
    return mtu


def parse_interface_address(text):
    """'10.0.1.1/24' -> ip_interface. A prefix length is required; host bits are kept."""
    if not isinstance(text, str) or '/' not in text:
        raise LabnetError('address %r must be in CIDR form, e.g. 10.0.1.1/24 or 2001:db8::1/64' % (text,))
    try:
        return interface_address(text.strip())
    except ValueError as exc:
        raise LabnetError('address %r is not a valid IPv4 or IPv6 CIDR: %s' % (text, exc))


_INTERFACES = {}


def interface_address(text):
    """ipaddress.ip_interface(TEXT), each text parsed once per process (the objects do not
    change): a lab of 1000 namespaces parses its addresses when it checks them, plans them and
    reads them from the kernel, and ipaddress takes 30-40 us per parse (issue 14)."""
    parsed = _INTERFACES.get(text)
    if parsed is None:
        if len(_INTERFACES) >= 65536:  # a long-lived process (the controller's filters): bounded
            _INTERFACES.clear()
        parsed = _INTERFACES[text] = ipaddress.ip_interface(text)
    return parsed


# -- ownership -------------------------------------------------------------------
#
# Every object the collection creates carries a mark: the text MARK_PREFIX + OWNER, where
# OWNER says who made it (a module name, or a role instance such as bridge_topology/br0).
# Links keep it as their interface alias (IFLA_IFALIAS), firewall rules as their comment,
# namespace entries in a record keyed by the namespace's identity (see _netlink.py).

MARK_PREFIX = 'labnet.netns:'
_OWNER_RE = re.compile(r'^[^\s"\'\\]{1,100}$')


def validate_owner(owner, what='owner'):
    """An owner is 1-100 characters without white space, quotes or backslashes, so that it can
    stand in an interface alias and, unquoted and unescaped, in an iptables comment."""
    if owner is None:
        return None
    if not isinstance(owner, str) or not _OWNER_RE.match(owner) or not owner.isprintable():
        raise LabnetError('%s %r must be 1-100 printable characters without white space, quotes or '
                          'backslashes' % (what, owner))
    return owner


def owner_mark(owner):
    """The mark that says OWNER (of this collection) made an object."""
    return MARK_PREFIX + owner


def mark_owner(mark):
    """The owner named by MARK, or None when MARK is not one of this collection's marks."""
    if isinstance(mark, str) and mark.startswith(MARK_PREFIX) and len(mark) > len(MARK_PREFIX):
        return mark[len(MARK_PREFIX):]
    return None


def is_ours(mark, owner=None):
    """True when MARK says this collection made the object: by OWNER when given, by any
    module or role of the collection when OWNER is None."""
    found = mark_owner(mark)
    return found is not None and (owner is None or found == owner)


# The options every changing module shares (documented once, in the labnet.netns.ownership
# doc fragment).
OWNERSHIP_OPTIONS = dict(
    owner=dict(type='str'),
    adopt=dict(type='bool', default=False),
    force=dict(type='bool', default=False),
)


def _by(want):
    return 'labnet.netns' if want.get('owner') is None else 'owner %s' % want['owner']


def _found(found_mark):
    found = mark_owner(found_mark)
    return 'no labnet.netns ownership mark' if found is None else 'it is marked as made by %s' % found


def claim(what, found_mark, want):
    """state=present meets an existing object WHAT whose mark is FOUND_MARK. Returns True when
    it is ours, False when the user lets us adopt it; refuses otherwise."""
    if is_ours(found_mark, want.get('owner')):
        return True
    if want.get('adopt'):
        return False
    raise LabnetError('%s already exists and was not made by %s (%s); refusing to take it over. '
                      'Choose another name, or set adopt=true to use it as it is (it is not marked, '
                      'and state=absent leaves it in place)' % (what, _by(want), _found(found_mark)))


def release(what, found_mark, want, exact=False):
    """state=absent meets an existing object WHAT. Returns True to remove it (ours; or, unless
    adopt=true, EXACTLY what the task describes, or force=true), False to leave it in place
    (adopt=true: what is not ours is kept); refuses otherwise."""
    if is_ours(found_mark, want.get('owner')):
        return True
    if want.get('adopt'):
        return False
    if exact or want.get('force'):
        return True
    raise LabnetError('%s was not made by %s (%s); refusing to remove it. Set force=true to remove '
                      'it anyway, or adopt=true to leave it in place' % (what, _by(want), _found(found_mark)))


# -- operations and plans ------------------------------------------------------

class Op:
    """One planned change. TEXT is what the user reads in `operations`."""

    def __init__(self, action, text, undo=None, **args):
        self.action = action
        self.text = text
        self.undo = undo  # the Op that reverts this one, if a later step of the same object fails
        self.args = args

    def __repr__(self):
        return 'Op(%r)' % self.text


class Plan:
    """Result of planning one object: the operations, and before/after for the diff."""

    def __init__(self, key, before, after, ops=None, info=None):
        self.key = key
        self.before = before
        self.after = after
        self.ops = ops or []
        self.info = info or {}

    def result(self):
        """The object as returned to the user: its identity (INFO) and its state after the run."""
        out = dict(self.info)
        out.update(self.after)
        return out


# -- the list convention ---------------------------------------------------------

ITEMS_OPTION = 'items'


def argument_spec(options):
    """Top-level options describe one object; `items` is a list of objects with the
    same options, for which the top-level values are the defaults."""
    spec = copy.deepcopy(options)
    sub = {}
    for name, opt in options.items():
        sub[name] = dict((k, v) for k, v in opt.items() if k not in ('default', 'required'))
    spec[ITEMS_OPTION] = dict(type='list', elements='dict', options=sub)
    return spec


def expand_items(params, options):
    """The objects a module call is about: top-level alone, or each item over the top level."""
    top = dict((k, params.get(k)) for k in options)
    items = params.get(ITEMS_OPTION)
    if items is None:
        return [top]
    wants = []
    for item in items:
        want = dict(top)
        for k, v in item.items():
            if v is not None:
                want[k] = v
        wants.append(want)
    return wants


# -- the runner ----------------------------------------------------------------

class Resource:
    """A kind of object. Subclasses define OPTIONS, KEY and read / plan / apply."""

    OPTIONS = {}
    KEY = 'name'
    RESULT_KEY = 'objects'
    DEFAULT_OWNER = None  # the owner named in the marks of what the module creates (its name)
    assumed = ()  # check mode: what was planned as if an earlier task had created it
    assume = False  # plan what an earlier task or step would create (set by the runner)
    where = None  # where(index) names an object in messages (set by the runner)
    planned = None  # what earlier steps of this run plan: {'namespaces': set, 'links': {(ns, ifname): attrs}}
    shared = None  # link dumps shared by the steps of a run while nothing changes (see LinkCache)
    module = None  # the AnsibleModule, for resources that run commands (set by run_module)

    def validate(self, want):
        """Normalise and check one desired object in place; raise LabnetError."""

    def validate_batch(self, wants):
        """Check the validated objects of one call against each other (one interface claimed by
        two items...); raise LabnetError naming both items (see claim_once)."""

    def key(self, want):
        return want[self.KEY]

    def read(self, kernel, wants):
        """Current state for each desired object (same order). Never changes anything."""
        raise NotImplementedError

    def plan(self, want, have):
        """Pure: (want, have) -> Plan."""
        raise NotImplementedError

    def apply(self, kernel, op):
        getattr(self, 'do_' + op.action)(kernel, **op.args)

    # actions whose operations may be applied all at once (see apply_together) when each is the
    # only operation of its object and has nothing to undo
    TOGETHER = ()

    def apply_together(self, kernel, ops):
        """Apply OPS (of TOGETHER actions) at once; returns {op: LabnetError} for those that failed."""
        raise NotImplementedError

    def do_noop(self, kernel):
        """An operation done by the one before it (its text is still what the user reads)."""

    def register(self, want, plan, planned):
        """Add to PLANNED what the objects of this step will be after it (for later steps)."""

    def reads(self, want):
        """The namespaces whose links, and those whose addresses, read() will dump for WANT:
        (links, addresses). The runner takes those dumps side by side first (Kernel.read_ahead)."""
        return (), ()


def claim_once(claims, thing, index, what, where=None):
    """Record that item INDEX uses THING (in CLAIMS, a dict); a THING already used by another
    item is refused: 'items[i] and items[j] both WHAT'. WHERE(index) names an item (the step's
    names: 'veths[0]', 'topology.namespaces[2]'), by default 'items[INDEX]'."""
    other = claims.setdefault(thing, index)
    if other != index:
        where = where or (lambda i: 'items[%d]' % i)
        raise LabnetError('%s and %s both %s' % (where(other), where(index), what))


def _roll_back(resource, kernel, applied):
    """Undo, newest first, the APPLIED ops of the object that failed. Returns the ops that
    stay applied (no undo, or the undo failed) and a note for the error message."""
    kept, undone, failed = [], [], []
    for op in reversed(applied):
        if op.undo is None:
            kept.insert(0, op)
            continue
        try:
            resource.apply(kernel, op.undo)
        except Exception as exc:  # pylint: disable=broad-except
            kept.insert(0, op)
            failed.append('%s (%s)' % (op.undo.text, getattr(exc, 'msg', exc)))
        else:
            undone.append(op.undo.text)
    note = ''
    if undone:
        note += '; rolled back: %s' % ', '.join(undone)
    if failed:
        note += '; could not roll back: %s' % ', '.join(failed)
    return kept, note


def build_module(resource, **kwargs):
    from ansible.module_utils.basic import AnsibleModule
    spec = argument_spec(resource.OPTIONS)
    return AnsibleModule(argument_spec=spec, supports_check_mode=True,
                         mutually_exclusive=[[resource.KEY, ITEMS_OPTION]],
                         required_one_of=[[resource.KEY, ITEMS_OPTION]], **kwargs)


def _kernel_factory(module):
    from ansible_collections.labnet.netns.plugins.module_utils import _netlink
    if _netlink.PYROUTE2_IMPORT_ERROR is not None:
        from ansible.module_utils.basic import missing_required_lib
        module.fail_json(msg=missing_required_lib('pyroute2 (0.7.2 or later)'),
                         exception=str(_netlink.PYROUTE2_IMPORT_ERROR))
    return _netlink.Kernel


class gc_paused:  # pylint: disable=invalid-name
    """Python's cyclic garbage collector off for a module run (reference counting still frees
    what the run drops; the run ends with the process). At 1000 namespaces a run makes some
    100000 objects that live until its end, and the collector walked them again and again: a
    tenth of the module's time at N=1000 (issue 14). As it was again afterwards, also when the
    run exits the module (SystemExit)."""

    def __enter__(self):
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.enabled:
            gc.enable()


def run_reader(module, read):
    """For read-only modules: exit_json(**READ(kernel)), errors through the same boundary."""
    with gc_paused():
        _run_reader(module, read)


def _run_reader(module, read):
    PROFILE['run_start'] = time.time()
    factory = _kernel_factory(module)
    try:
        with factory() as kernel:
            result = read(kernel)
    except LabnetError as exc:
        module.fail_json(msg=exc.msg)
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg='unexpected error: %s: %s' % (type(exc).__name__, exc), exception=traceback.format_exc())
    result['changed'] = False
    _profile(result)
    module.exit_json(**result)


class Step:
    """One kind of object in a run: RESOURCE, its desired objects WANTS, and LABEL(index), the
    prefix that names an object in messages ('items[3]: ', or '' for a single object)."""

    def __init__(self, resource, wants, label, option=ITEMS_OPTION):
        self.resource = resource
        self.wants = wants
        self.label = label
        self.option = option
        self.plans = []
        self.depends = False

    def validate(self):
        resource = self.resource
        seen = {}
        for index, want in enumerate(self.wants):
            try:
                if resource.DEFAULT_OWNER is not None:
                    validate_owner(want['owner'])
                    want['mark'] = owner_mark(want['owner'] or resource.DEFAULT_OWNER)
                resource.validate(want)
            except LabnetError as exc:
                raise LabnetError(self.label(index) + exc.msg)
            key = resource.key(want)
            if key in seen:
                raise LabnetError('%s %r is listed twice (%s and %s)' % (
                    resource.RESULT_KEY.rstrip('s'), key, self.where(seen[key]), self.where(index)))
            seen[key] = index
        resource.where = self.where
        resource.validate_batch(self.wants)

    def where(self, index):
        """Object INDEX named as in messages: 'items[3]'."""
        return self.label(index).rstrip(': ') or '%s[%d]' % (self.option, index)

    def plan(self, kernel, assume):
        """Read once and plan every object; with ASSUME, what an earlier step (or task) would
        create is planned as made (see LinkCache)."""
        self.resource.assume = assume
        haves = self.resource.read(kernel, self.wants)
        self.plans = [self.resource.plan(w, h) for w, h in zip(self.wants, haves)]

    def apply(self, kernel, done):
        """Apply the plans in order; the failing object is not left half-made: what this run did
        to it is undone. DONE collects the texts of what stays applied. The objects whose one
        operation is of an action the resource applies all at once (TOGETHER) go first, together."""
        together = [p.ops[0] for p in self.plans
                    if len(p.ops) == 1 and p.ops[0].action in self.resource.TOGETHER and p.ops[0].undo is None]
        if len(together) < 2:  # one alone goes the usual way
            together = []
        else:
            failed = self.resource.apply_together(kernel, together)
            done.extend(op.text for op in together if op not in failed)
            errors = [failed[op] for op in together if op in failed]
            if errors:  # every failure named; nothing after them runs
                raise LabnetError('; '.join(exc.msg for exc in errors), errno=errors[0].errno)
        applied_together = set(together)
        for plan in self.plans:
            if plan.ops and plan.ops[0] in applied_together:
                continue
            applied = []
            try:
                for op in plan.ops:
                    self.resource.apply(kernel, op)
                    applied.append(op)
            except Exception as exc:
                applied, note = _roll_back(self.resource, kernel, applied)
                if not isinstance(exc, LabnetError):
                    raise
                raise LabnetError(exc.msg + note, errno=exc.errno)
            finally:
                done.extend(op.text for op in applied)

    def ops(self):
        return [op for p in self.plans for op in p.ops]


def read_ahead(kernel, steps):
    """The dumps the steps' reads will take, taken side by side first (many namespaces)."""
    links, addresses = [], []
    for step in steps:
        for want in step.wants:
            some_links, some_addresses = step.resource.reads(want)
            links.extend(some_links)
            addresses.extend(some_addresses)
    kernel.read_ahead(links, addresses)


REPORT_CHOICES = ['all', 'changed']
# an assumption of check mode reads 'WHAT IS MISSING: planned as WHAT IT IS TAKEN FOR (...)'
PLANNED_AS = ': planned as '


def run_steps(module, steps, settle=None, report='all'):
    """Run STEPS (kinds of objects) in order: validate every object of every step; plan every
    step before anything changes (a later step plans what an earlier one would create, as
    check mode does); then, unless in check mode, apply step by step, planning a step again
    when its plan rested on what an earlier step was to change (or on an assumption). SETTLE(kernel, step,
    'before' or 'after'), if given, runs around each applied step. Exits the module with one result:
    with REPORT 'changed', its lists hold only the objects that change."""
    with gc_paused():
        _run_steps(module, steps, settle, report)


def _run_steps(module, steps, settle, report):
    PROFILE['run_start'] = time.time()
    factory = _kernel_factory(module)
    done = []
    try:
        for step in steps:
            step.resource.module = module
            step.validate()
        planned = {'namespaces': set(), 'links': {}}
        shared = {}
        with factory() as kernel:
            read_ahead(kernel, steps)
            for index, step in enumerate(steps):
                step.resource.planned = planned
                step.resource.shared = shared
                planned['used'] = False
                step.plan(kernel, assume=module.check_mode or index > 0)
                # planned on what an earlier step will change: planned again once that is done
                step.depends = planned['used'] or bool(step.resource.assumed)
                for want, plan in zip(step.wants, step.plans):
                    if plan.ops:
                        step.resource.register(want, plan, planned)
            kernel.forget_read_ahead()
            if not module.check_mode:
                # a later step may rest on what an earlier step of this run makes, never on what
                # an earlier task would (check mode's assumption): refused before the first change
                missing = [text.split(PLANNED_AS)[0] for step in steps for text in step.resource.assumed]
                if missing:
                    raise LabnetError('%s, and no earlier list of this task makes it; nothing was changed'
                                      % '; '.join(sorted(set(missing))))
                for step in steps:
                    if step.depends:
                        step.plan(kernel, assume=False)
                    if settle is not None:
                        settle(kernel, step, 'before')
                    step.apply(kernel, done)
                    if step.ops():
                        shared.clear()
                    if settle is not None:
                        settle(kernel, step, 'after')
    except LabnetError as exc:
        # what was already applied is reported, so a failure mid-batch is never silent
        module.fail_json(msg=exc.msg, changed=bool(done), operations=done)
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg='unexpected error: %s: %s' % (type(exc).__name__, exc),
                         exception=traceback.format_exc(), changed=bool(done), operations=done)
    ops = [op for step in steps for op in step.ops()]
    result = {'changed': bool(ops), 'operations': [op.text for op in ops]}
    assumed = []
    for step in steps:
        result[step.resource.RESULT_KEY] = [p.result() for p in step.plans if p.ops or report == 'all']
        assumed += [text for text in step.resource.assumed if text not in assumed]
    if assumed:
        result['assumed'] = assumed
        for text in assumed:
            module.warn('check mode: %s' % text)
    if module._diff:
        diffs = [dict((p.key, getattr(p, side)) for step in steps for p in step.plans if p.ops)
                 for side in ('before', 'after')] if len(steps) == 1 else \
            [dict((step.option, dict((p.key, getattr(p, side)) for p in step.plans if p.ops))
                  for step in steps if step.ops()) for side in ('before', 'after')]
        result['diff'] = {'before': diffs[0], 'after': diffs[1]}
    _profile(result)
    module.exit_json(**result)


def run_module(module, resource):
    """One kind of object: top-level options, or `items`."""
    items = module.params.get(ITEMS_OPTION) is not None
    run_steps(module, [Step(resource, expand_items(module.params, resource.OPTIONS),
                            lambda index: 'items[%d]: ' % index if items else '')])
