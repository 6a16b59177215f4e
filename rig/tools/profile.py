#!/usr/bin/env python3
"""Where the lean case's instructions go, per function or per source line.

usage: profile.py TRACE ELF NM [--function NAME] [--top N]

TRACE is QEMU's `-d in_asm,exec,nochain` log of a rig image (rig/tools/profile.sh
makes one): every executed translation block, weighted by its instruction count.
The lean case's loads are split at each entry into `lean_one`: the first segment is
hello_world's 17 loads, the second bulk's (the second also holds the rig's clock
calibration, `rig_spin`). Figures are per load (segment total / 17).

Without --function: instructions per function. With --function NAME: that function's
instructions per source line (innermost line of this repository in the inline chain,
from addr2line -i; NM's prefix names the matching addr2line).
"""
import argparse
import bisect
import collections
import re
import subprocess

LOADS = 17  # one probed load + LEAN_CYCLES (rig.c)


def symbols(nm, elf):
    out = subprocess.run([nm, '-C', '-S', '--defined-only', elf], capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in 'tTwW':
            syms.append((int(parts[0], 16) & ~1, int(parts[1], 16), parts[3]))
    return sorted(syms)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('trace')
    ap.add_argument('elf')
    ap.add_argument('nm')
    ap.add_argument('--function')
    ap.add_argument('--top', type=int, default=25)
    a = ap.parse_args()
    syms = symbols(a.nm, a.elf)
    starts = [s[0] for s in syms]

    def name_of(pc):
        i = bisect.bisect_right(starts, pc) - 1
        return syms[i][2] if i >= 0 and pc < syms[i][0] + syms[i][1] else '?'

    entry = next(s[0] for s in syms if s[2] == 'lean_one')
    lo, size = next((s[0], s[1]) for s in syms if s[2] == (a.function or 'lean_one'))
    blocks, cur = {}, None
    segments = [collections.Counter() for _ in range(3)]
    seg = entries = 0
    trace = re.compile(r'^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/')
    with open(a.trace) as f:
        for line in f:
            if line.startswith('IN:'):
                cur = None
                continue
            m = re.match(r'^0x([0-9a-f]+):', line)
            if m:
                addr = int(m.group(1), 16)
                if cur is None:
                    cur = addr
                    blocks[cur] = []
                blocks[cur].append(addr)
                continue
            m = trace.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if pc == entry:
                entries += 1
                seg = min(entries, 2)
            for addr in blocks.get(pc, [pc]):
                if a.function is None or lo <= addr < lo + size:
                    segments[seg][addr] += 1

    addr2line = a.nm[:-2] + 'addr2line' if a.nm.endswith('nm') else 'addr2line'
    for label, seg in (('hello', 1), ('bulk', 2)):
        counts = collections.Counter()
        for addr, n in segments[seg].items():
            if a.function is None:
                counts[name_of(addr)] += n
            else:
                chain = subprocess.run([addr2line, '-e', a.elf, '-i', hex(addr)], capture_output=True, text=True).stdout.splitlines()
                ours = [c.split('/src/', 1)[-1] for c in chain if '/src/' in c and not c.endswith(':?') and 'rustlib' not in c]
                counts['src/' + ours[0] if ours else (chain[0] if chain else '?')] += n
        total = sum(counts.values()) or 1
        print(f'== {label}: {total // LOADS} instructions per load' + (f' in {a.function}' if a.function else ''))
        for key, n in counts.most_common(a.top):
            print(f'{n // LOADS:9d} {n * 100 / total:5.1f}%  {key}')


if __name__ == '__main__':
    main()
