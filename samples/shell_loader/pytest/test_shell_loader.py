# SPDX-License-Identifier: Apache-2.0
"""A shell session: load the sample's extension from its hex string, list it and
its symbols, call it, and unload it (the commands of Zephyr's shell_loader sample)."""

import logging
import re
import time
from pathlib import Path

from twister_harness import DeviceAdapter, Shell

logger = logging.getLogger(__name__)


def type_slowly(dut: DeviceAdapter, text: str, chunk: int = 32, delay: float = 0.01) -> None:
    """The shell UART backend drops input its RX ring buffer cannot hold: pace it."""
    data = text.encode()
    for i in range(0, len(data), chunk):
        dut.write(data[i:i + chunk])
        time.sleep(delay)


def expect(dut: DeviceAdapter, regex: str, timeout: float = 20.0) -> str:
    lines = dut.readlines_until(regex=regex, timeout=timeout)
    return next(line for line in reversed(lines) if re.search(regex, line))


def run(shell: Shell, command: str, *regexes: str) -> list[str]:
    lines = shell.exec_command(command)
    for regex in regexes:
        assert any(re.search(regex, line) for line in lines), f'{regex!r} not in {lines}'
    return lines


def test_shell_loader(dut: DeviceAdapter, shell: Shell):
    hex_file = Path(dut.device_config.app_build_dir) / 'hello_world.llext.hex'
    ext_hex = hex_file.read_text().strip()
    logger.info('extension: %d bytes', len(ext_hex) // 2)

    lines = run(shell, 'llext list', r'\| Name             \| Size         \|')
    assert not any(re.search(r'\|\s+hello \|', line) for line in lines)

    dut.clear_buffer()
    type_slowly(dut, f'llext load_hex hello {ext_hex}\n')
    expect(dut, r'Successfully loaded extension hello, addr 0x[0-9a-f]+')

    run(shell, 'llext list', r'\|\s+hello \|\s+[1-9][0-9]* \|')
    run(shell, 'llext list_symbols hello', r'Extension: hello symbols',
        r'\| Symbol           \| Address    \|', r'\|\s+hello_world \| 0x[0-9a-f]+ \|')
    run(shell, 'llext call_fn hello hello_world', r'hello world', r'A number is 42')
    run(shell, 'llext call_fn hello no_such_fn',
        r'Failed to call no_such_fn in extension hello, return code -2')

    # A second load of the same name takes another use of the loaded extension.
    dut.clear_buffer()
    type_slowly(dut, f'llext load_hex hello {ext_hex}\n')
    expect(dut, r'Extension hello already loaded, use count 2')
    run(shell, 'llext unload hello', r'Unloaded extension hello')
    run(shell, 'llext list', r'\|\s+hello \|')
    run(shell, 'llext call_fn hello hello_world', r'hello world')
    run(shell, 'llext unload hello', r'Unloaded extension hello')

    lines = run(shell, 'llext list', r'\| Name             \| Size         \|')
    assert not any(re.search(r'\|\s+hello \|', line) for line in lines)
    run(shell, 'llext unload hello', r'No such extension hello')
    run(shell, 'llext list_symbols hello', r'No such llext hello')

    # The buffer is free again: a new load under another name works.
    dut.clear_buffer()
    type_slowly(dut, f'llext load_hex again {ext_hex}\n')
    expect(dut, r'Successfully loaded extension again, addr 0x[0-9a-f]+')
    run(shell, 'llext call_fn again hello_world', r'hello world')
    run(shell, 'llext unload again', r'Unloaded extension again')
