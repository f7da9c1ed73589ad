"""`nhacviec run` as a real process, as an IT officer starts it: its output lines, its HTTP listener, SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

# The installed command, as the operator runs it (`python -m bot.cli` would not carry the commands that
# other modules add to it, such as `web-link`).
NHACVIEC = str(Path(sys.executable).with_name("nhacviec"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunningBot:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.log = cwd / "bot.log"
        self.process = subprocess.Popen([NHACVIEC, "run"], env={**os.environ, **env}, cwd=cwd,
                                        stdout=subprocess.PIPE, stderr=self.log.open("a", encoding="utf-8"),
                                        text=True, encoding="utf-8")
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    async def line(self, prefix: str, within: float = 60.0) -> str:
        """The first output line starting with `prefix`, once printed."""
        for _ in range(int(within / 0.05)):
            found = next((line for line in self.lines if line.startswith(prefix)), None)
            if found is not None:
                return found
            if self.process.poll() is not None:
                break
            await asyncio.sleep(0.05)
        raise AssertionError(f"no line {prefix!r} in {self.lines}; log:\n{self.log.read_text()[-3000:]}")

    async def stop(self) -> int:
        """SIGTERM, as systemd and Docker stop it; the exit code."""
        self.process.send_signal(signal.SIGTERM)
        for _ in range(600):
            if self.process.poll() is not None:
                return self.process.returncode
            await asyncio.sleep(0.05)
        self.kill()
        raise AssertionError("did not stop within 30 s of SIGTERM")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


async def nhacviec(*args: str, env: dict[str, str]) -> str:
    """Another operator command beside the running bot (stdout)."""
    process = await asyncio.create_subprocess_exec(NHACVIEC, *args, env={**os.environ, **env},
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()
