#!/usr/bin/env python3
"""Checks that every CONFIG_LLEXT_* symbol the module's C, linker scripts, CMake,
samples and tests use is declared in a Kconfig file, and that C code reads a
value symbol (int, hex, string) that may be absent from a configuration only under a
preprocessor guard. Such a read is what broke CONFIG_LOG=n: the log template declares
CONFIG_LLEXT_LOG_LEVEL only when logging is on.

usage: scripts/check-kconfig.py            (from anywhere; exits 1 on a finding)
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The module's options: Zephyr's LLEXT_* names and its own LLEXT_RS_* ones.
SYM = re.compile(r'\bCONFIG_(LLEXT_\w+)')
# Declared by subsys/logging/Kconfig.template.log_config for `module = LLEXT`,
# only with CONFIG_LOG (the level choices are bools, the level an int).
TEMPLATE = {'LLEXT_LOG_LEVEL': ('int', 'LOG')}
TEMPLATE.update({f'LLEXT_LOG_LEVEL_{lvl}': ('bool', 'LOG')
                 for lvl in ('OFF', 'ERR', 'WRN', 'INF', 'DBG', 'DEFAULT')})


def declarations():
    """name -> (type, condition or None) from every Kconfig file of the repository."""
    found = dict(TEMPLATE)
    for path in [ROOT / 'Kconfig', *ROOT.glob('samples/*/Kconfig'), *ROOT.glob('tests/*/Kconfig')]:
        ifs = []  # enclosing `if` conditions, other than the module's own
        name = None
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if m := re.match(r'if (\S+)$', line):
                ifs.append(m.group(1))
                continue
            if line.startswith('endif'):
                ifs.pop()
                continue
            if m := re.match(r'(?:menu)?config (\w+)$', line):
                name = m.group(1)
                cond = next((c for c in ifs if c != 'LLEXT_RS'), None)
                found[name] = ('bool', cond)
                continue
            if name and (m := re.match(r'(bool|int|hex|string)\b', line)):
                found[name] = (m.group(1), found[name][1])
            elif name and (m := re.match(r'depends on (.+)$', line)):
                found[name] = (found[name][0], m.group(1))
    return found


def guarded(stack, name, cond, file_cond):
    """True if the symbol's condition holds wherever this line is compiled: an enclosing
    #if/#ifdef tests the symbol or its condition (a negated condition: the #else of an
    #ifdef of it), or CMake only compiles the file under that condition."""
    if cond and file_cond == cond:
        return True
    negated = bool(cond) and cond.startswith('!')
    want = f'CONFIG_{cond.lstrip("!")}' if cond else None
    for tested, in_else in stack:
        if tested == f'CONFIG_{name}' and not in_else:
            return True
        if tested == want and in_else == negated:
            return True
    return False


def file_conditions():
    """Files CMake compiles only under a Kconfig symbol: path -> symbol."""
    conds = {}
    for m in re.finditer(r'_ifdef\(CONFIG_(\w+)\s+([^)]+)\)', (ROOT / 'CMakeLists.txt').read_text()):
        for f in m.group(2).split():
            conds[(ROOT / f).resolve()] = m.group(1)
    return conds


def main():
    decl = declarations()
    conds = file_conditions()
    problems = []
    files = [p for pattern in ('zephyr/*', 'c/**/*.h', 'cmake/*.cmake', 'CMakeLists.txt',
                               'samples/**/*', 'tests/llext/**/*')
             for p in ROOT.glob(pattern)
             if p.is_file() and p.suffix in ('.c', '.h', '.ld', '.cmake', '.txt', '.conf', '.yaml')]
    for path in sorted(set(files)):
        is_c = path.suffix in ('.c', '.h', '.ld')
        stack = []  # (tested symbol or None, in #else)
        text = path.read_text()
        if is_c:  # comments may name symbols freely
            text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
            text = re.sub(r'//[^\n]*', '', text)
        for number, line in enumerate(text.splitlines(), 1):
            where = f'{path.relative_to(ROOT)}:{number}'
            directive = re.match(r'\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)', line) if is_c else None
            if directive:
                kind, rest = directive.groups()
                tested = re.search(r'(CONFIG_\w+)', rest)
                tested = tested.group(1) if tested else None
                if kind in ('ifdef', 'if'):
                    stack.append((tested, False))
                elif kind == 'ifndef':
                    stack.append((tested, True))
                elif kind in ('else', 'elif') and stack:
                    top = stack.pop()
                    stack.append((top[0], not top[1]) if kind == 'else' else (tested, False))
                elif kind == 'endif' and stack:
                    stack.pop()
            for name in SYM.findall(line):
                if name not in decl:
                    problems.append(f'{where}: CONFIG_{name} is not declared in any Kconfig')
                    continue
                kind, cond = decl[name]
                if not is_c or directive or kind == 'bool' or cond is None:
                    continue
                if re.search(rf'IS_ENABLED\(CONFIG_{name}\)|defined\(CONFIG_{name}\)', line):
                    continue
                file_cond = conds.get(path.resolve())
                if not guarded(stack, name, cond, file_cond):
                    problems.append(f'{where}: CONFIG_{name} ({kind}, depends on {cond}) '
                                    'is read without a guard: undeclared when that is off')
    for p in problems:
        print(p)
    print(f'check-kconfig: {len(files)} files, {len(problems)} problem(s)')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
