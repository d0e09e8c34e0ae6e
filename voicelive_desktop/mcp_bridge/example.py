"""The shipped dice server as Preferences adds it with one click: local, or remote.

The remote example stands in for a server on the internet: the app itself serves the dice
server over streamable HTTP on 127.0.0.1 while a remote entry points there, so the offline
demo's simulated service has a real MCP server to call. The entry's URL names port 8931;
when another program holds that port the server listens on a free one and the session is
given that URL instead (`ExampleHttpHost.url`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile

from voicelive_desktop.mcp_bridge.config import McpServerConfig, McpTransport
from voicelive_desktop.mcp_bridge.dice_server import READY_LINE, example_server_command

log = logging.getLogger(__name__)

EXAMPLE_REMOTE_PORT = 8931
EXAMPLE_REMOTE_URL = f"http://127.0.0.1:{EXAMPLE_REMOTE_PORT}/mcp"
_READY_TIMEOUT_S = 15.0
_OUTPUT_TAIL_CHARS = 400


def example_local_config() -> McpServerConfig:
    command, args = example_server_command()
    return McpServerConfig(name="dice", command=command, args=args)


def example_remote_config() -> McpServerConfig:
    return McpServerConfig(
        name="dice-remote", transport=McpTransport.REMOTE, url=EXAMPLE_REMOTE_URL
    )


class ExampleHttpHost:
    """Owns the child process that serves the dice server for the remote example."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self.problem = ""  # why it could not start, for the server list
        self.url = EXAMPLE_REMOTE_URL  # where it listens while it runs

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self) -> bool:
        if self.running:
            return True
        command, args = example_server_command()
        # A file, not a pipe nobody reads: a full pipe would stall the server.
        stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed below, or with the object)
        self._process = await asyncio.create_subprocess_exec(
            command,
            *args,
            "--http",
            str(EXAMPLE_REMOTE_PORT),
            "--or-free-port",
            "--exit-with-parent",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
        )
        # Ready when our own child says it holds the port. Probing the port instead took
        # another program's listener (a second copy of the app, a parallel test) for ours:
        # the child then failed to bind and exited, and every remote call was refused.
        assert self._process.stdout is not None
        with contextlib.suppress(asyncio.TimeoutError):
            line = await asyncio.wait_for(self._process.stdout.readline(), _READY_TIMEOUT_S)
            said = line.decode(errors="replace").strip()
            port = said.rpartition(" ")[2]
            if said.startswith(READY_LINE) and port.isdigit():
                self.problem = ""
                self.url = f"http://127.0.0.1:{port}/mcp"
                if int(port) != EXAMPLE_REMOTE_PORT:
                    log.info(
                        "mcp example: port %d is taken; serving %s", EXAMPLE_REMOTE_PORT, self.url
                    )
                stderr.close()  # the child keeps its own handle
                return True
        await self.stop()
        stderr.seek(0)
        output = stderr.read().decode(errors="replace").strip()[-_OUTPUT_TAIL_CHARS:]
        stderr.close()
        self.problem = "The example server did not start" + (f": {output}" if output else ".")
        log.warning("mcp example: %s", self.problem)
        return False

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 5)
        except asyncio.TimeoutError:
            process.kill()
            with contextlib.suppress(ProcessLookupError):
                await process.wait()


__all__ = [
    "EXAMPLE_REMOTE_URL",
    "ExampleHttpHost",
    "example_local_config",
    "example_remote_config",
]
