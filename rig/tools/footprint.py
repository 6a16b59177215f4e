#!/usr/bin/env python3
"""Loader footprint from a GNU ld map file.

usage: footprint.py RIG.elf.map TITLE

Sums the input sections the final image took from libllext_rs.a, per output section
(.text; .rodata with .ARM.exidx; .data; .bss), by archive member: the LTO object
(llext-rs and the crates LTO merged into it) and compiler_builtins (never part of LTO).
Inside the LTO object, each section is attributed to a crate through the mangled
symbol in its name (Rust v0 or legacy mangling); unmangled ones are the C API
(#[no_mangle], llext-rs's own), `.Lanon`, `.str`, `.cst` ones are unnamed constants. The harness's
heap arena (common/heap.c, the bare platform's memory) is shown apart from the rest of .bss.
"""
import re
import sys

COLUMNS = ('.text', '.rodata', '.data', '.bss')
# Output sections of the rig's linker scripts, by column.
OUTPUT = {'.text': '.text', '.ARM.exidx': '.rodata', '.rodata': '.rodata', '.data': '.data',
          '.bss': '.bss'}
LIBS = re.compile(r'lib(llext_rs|llext_rs_log|llext_rs_app)\.a\((?P<member>[^)]+)\)$')


def v0_crate(s):
    """Crate of the innermost path of a v0 symbol (after `_R`), or None."""
    i = 0
    while i < len(s) and s[i].isdigit():  # encoding version
        i += 1

    def ident(i):
        if s[i] == 'u':  # punycode
            i += 1
        m = re.match(r'\d+', s[i:])
        if not m:
            return None
        n, i = int(m.group()), i + len(m.group())
        if i < len(s) and s[i] == '_':
            i += 1
        return s[i:i + n]

    def path(i):
        if i >= len(s):
            return None
        c = s[i]
        if c == 'C':  # crate root: [s<disambiguator>_] <identifier>
            i += 1
            if s[i] == 's':
                i = s.index('_', i) + 1
            return ident(i)
        if c == 'N':  # nested: namespace letter, then the parent path
            return path(i + 2)
        if c in 'MX':  # inherent / trait impl: [disambiguator] impl-path ...
            i += 1
            if s[i] == 's':
                i = s.index('_', i) + 1
            return path(i)
        if c == 'I':  # generic arguments follow the path
            return path(i + 1)
        if c == 'Y' and s[i + 1] in 'NCMXYI':  # <Type as Trait>: the type's crate
            return path(i + 1)
        return None

    try:
        crate = path(i)
    except (ValueError, IndexError):
        crate = None
    if crate is None:  # e.g. <[T] as Trait>: the first crate root mentioned
        m = re.search(r'C(?:s[0-9A-Za-z]*_)?(\d+)_?', s)
        crate = s[m.end():m.end() + int(m.group(1))] if m else None
    return crate


def crate_of(section):
    """Crate that defines the symbol of input section `section` (None: not mangled)."""
    for marker in ('._R', '._ZN'):
        k = section.find(marker)
        if k < 0:
            continue
        sym = section[k + 1:]
        if sym.startswith('_ZN'):
            m = re.match(r'_ZN(\d+)', sym)
            return sym[m.end():m.end() + int(m.group(1))] if m else None
        return v0_crate(sym[2:])
    return None


def parse(path):
    """Yields (output column, input section name, size, file) for each input section."""
    lines = open(path, encoding='utf-8', errors='replace').read().split('\n')
    start = next(i for i, l in enumerate(lines) if l.startswith('Linker script and memory map'))
    column = None
    pending = None  # an input section name whose numbers are on the next line
    for line in lines[start + 1:]:
        if line and not line[0].isspace():  # output section (or other top-level)
            name = line.split()[0]
            column = OUTPUT.get(name)
            pending = None
            continue
        if column is None:
            continue
        m = re.match(r'^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$', line)
        if m and not m.group(1).startswith('*'):
            yield column, m.group(1), int(m.group(3), 16), m.group(4).strip()
            pending = None
            continue
        m = re.match(r'^ (\S+)$', line)
        if m and not m.group(1).startswith('*'):
            pending = m.group(1)
            continue
        m = re.match(r'^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$', line)
        if m and pending:
            yield column, pending, int(m.group(2), 16), m.group(3).strip()
        pending = None


def main():
    path, title = sys.argv[1], sys.argv[2]
    rows = {}  # row label -> [text, rodata, data, bss]
    arena = 0
    rest = [0, 0, 0, 0]

    def add(label, column, size):
        rows.setdefault(label, [0, 0, 0, 0])[COLUMNS.index(column)] += size

    for column, section, size, source in parse(path):
        m = LIBS.search(source)
        if not m:
            if 'llext_rs_heap_arena' in section and column == '.bss':
                arena += size
            else:
                rest[COLUMNS.index(column)] += size
            continue
        member = m.group('member').split('-')[0]
        own = member  # the LTO object's crate: llext_rs (llext_rs_log with RIG_LOG)
        if member.startswith('compiler_builtins'):
            add('compiler_builtins', column, size)
            continue
        crate = crate_of(section)
        if crate is None:
            # Not mangled: the #[no_mangle] C API (llext_*), or constant pools.
            sym = section.split('.', 2)[2] if section.count('.') >= 2 else ''
            if re.match(r'(str\d|cst\d|\.L|$)', sym):
                crate = 'constant pools'
            elif sym.startswith('llext_') and not sym.startswith('llext_rs_log'):
                crate = 'llext_rs'
            else:
                crate = own
        add(crate, column, size)

    own = ['llext_rs', 'llext_rs_log']
    order = [r for r in own if r in rows]
    order += sorted(r for r in rows if r not in own and r not in ('constant pools',
                                                                   'compiler_builtins'))
    order += [r for r in ('constant pools', 'compiler_builtins') if r in rows]
    total = [sum(rows[r][i] for r in rows) for i in range(4)]

    width = 44
    print(f'{title}')
    print(f'  {"bytes":<{width}}' + ''.join(f'{c:>9}' for c in COLUMNS) + f'{"sum":>9}')
    for r in order:
        label = {'llext_rs': 'llext_rs (the crate alone)',
                 'llext_rs_log': 'llext_rs_log (RIG_LOG wrapper)',
                 'constant pools': 'unnamed constants (strings, tables)',
                 'compiler_builtins': 'compiler_builtins'}.get(r, f'{r} (merged by LTO)')
        print(f'  {label:<{width}}' + ''.join(f'{v:>9}' for v in rows[r]) + f'{sum(rows[r]):>9}')
    print(f'  {"total from libllext_rs.a":<{width}}' + ''.join(f'{v:>9}' for v in total)
          + f'{sum(total):>9}')
    print(f'  {"+ the LLEXT heap (common/heap.c, .bss)":<{width}}{"":>27}{arena:>9}')
    print(f'  {"rest of the rig image (harness, fixtures, libc)":<{width}}'
          + ''.join(f'{v:>9}' for v in rest) + f'{sum(rest):>9}')
    # For run.sh's LEAN line and budget check: the loader's code and constants.
    print(f'  loader: text={total[0]} rodata={total[1]}')


if __name__ == '__main__':
    main()
