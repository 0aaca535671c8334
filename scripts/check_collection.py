#!/usr/bin/env python
"""What every module and role of the collection must have, so that new ones slot in:
- a module is listed in meta/runtime.yml action_groups (group/labnet.netns.netns);
- its documentation extends labnet.netns.attributes (or .info_module for a module that only
  reads), and, when it takes `items`, labnet.netns.items.<module>;
- it has an integration target tests/integration/targets/<module>/ with aliases (needs/root,
  destructive, needs/target/setup_sandbox) and a runme.sh that runs it in the sandbox;
- a role has an integration target of its name, too;
- no changelog fragment announces a new module, plugin or role in prose: antsibull-changelog
  lists new modules and plugins from their version_added, roles from `add object.role`.
Prints every problem; exit status 1 when there is any."""

import ast
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = os.path.join(ROOT, 'tests', 'integration', 'targets')
ALIASES = ('needs/root', 'destructive', 'needs/target/setup_sandbox')


def module_doc(path):
    with open(path) as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'DOCUMENTATION' for t in node.targets):
            return yaml.safe_load(node.value.value)
    return {}


def check_target(name, problems):
    target = os.path.join(TARGETS, name)
    if not os.path.isdir(target):
        problems.append('%s: no integration target tests/integration/targets/%s/' % (name, name))
        return
    aliases_path = os.path.join(target, 'aliases')
    aliases = set()
    if os.path.exists(aliases_path):
        with open(aliases_path) as f:
            aliases = set(line.split('#')[0].strip() for line in f)
    for alias in ALIASES:
        if alias not in aliases:
            problems.append('%s: tests/integration/targets/%s/aliases lacks %s' % (name, name, alias))
    runme = os.path.join(target, 'runme.sh')
    if not os.access(runme, os.X_OK) or 'setup_sandbox/sandbox.sh' not in open(runme).read():
        problems.append('%s: tests/integration/targets/%s/runme.sh must be executable and source '
                        '../setup_sandbox/sandbox.sh' % (name, name))
    if not os.path.exists(os.path.join(target, 'tasks', 'main.yml')):
        problems.append('%s: tests/integration/targets/%s/tasks/main.yml is missing' % (name, name))


def main():
    problems = []
    with open(os.path.join(ROOT, 'meta', 'runtime.yml')) as f:
        runtime = yaml.safe_load(f)
    group = set((runtime.get('action_groups') or {}).get('netns') or [])
    modules = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                     if f.endswith('.py') and not f.startswith('_'))
    for name in modules:
        if name not in group:
            problems.append('%s: not in meta/runtime.yml action_groups.netns' % name)
        doc = module_doc(os.path.join(ROOT, 'plugins', 'modules', name + '.py'))
        fragments = doc.get('extends_documentation_fragment') or []
        if not {'labnet.netns.attributes', 'labnet.netns.attributes.info_module'} & set(fragments):
            problems.append('%s: extends_documentation_fragment lacks labnet.netns.attributes '
                            '(or labnet.netns.attributes.info_module)' % name)
        if 'items' in (doc.get('options') or {}) and 'labnet.netns.items.%s' % name not in fragments:
            problems.append('%s: takes items but does not extend labnet.netns.items.%s' % (name, name))
        check_target(name, problems)
    for name in sorted(group - set(modules)):
        problems.append('%s: in meta/runtime.yml action_groups.netns but not a module' % name)
    for role in sorted(os.listdir(os.path.join(ROOT, 'roles'))):
        check_target(role, problems)
    fragments_dir = os.path.join(ROOT, 'changelogs', 'fragments')
    for fragment in sorted(os.listdir(fragments_dir)):
        with open(os.path.join(fragments_dir, fragment)) as f:
            for number, line in enumerate(f, 1):
                if re.search(r'\bnew (module|filter|plugin|role)\b', line, re.I) and not line.lstrip().startswith('#'):
                    problems.append('changelogs/fragments/%s:%d: announces something new in prose; antsibull-changelog '
                                    'does that from version_added (roles: add object.role)' % (fragment, number))
    for problem in problems:
        print(problem)
    if not problems:
        print('%d modules and %d roles: in the action group, with attributes and integration targets'
              % (len(modules), len(os.listdir(os.path.join(ROOT, 'roles')))))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
