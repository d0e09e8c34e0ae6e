"""MCP bridge cost: start-up and one tool call through the bridge, stdio and streamable HTTP.

The shipped dice server is started as a local server over stdio (and, in the same run, served
over streamable HTTP on a free port and bridged as an HTTP server); each `dice__roll_dice` call
goes through the registry's handler exactly as the engine runs it: the MCP request, the
server's answer, the result text and the cap. The baseline, in the same run, is the same
roll done in-process (the tool's own cost), so the ratios show what the MCP hop adds.
It prints figures and asserts nothing.

    .venv/bin/python benchmarks/mcp_call.py [--calls 200]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import statistics
import subprocess
import sys
import time

from voicelive_desktop.mcp_bridge.bridge import McpBridge
from voicelive_desktop.mcp_bridge.config import McpServerConfig, McpServerList, McpTransport
from voicelive_desktop.mcp_bridge.dice_server import build_server, example_server_command
from voicelive_desktop.tools.registry import ToolRegistry


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _timed_calls(registry: ToolRegistry, name: str, calls: int) -> list[float]:
    spec = registry.get(name)
    assert spec is not None, name
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        await spec.handler({"sides": 20, "count": 3})
        times.append((time.perf_counter() - started) * 1000)
    return times


async def _in_process(calls: int) -> list[float]:
    server = build_server()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        await server.call_tool("roll_dice", {"sides": 20, "count": 3})
        times.append((time.perf_counter() - started) * 1000)
    return times


async def run(calls: int) -> None:
    command, args = example_server_command()
    port = _free_port()
    http = subprocess.Popen(
        [command, *args, "--http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                    break
            except OSError:
                await asyncio.sleep(0.05)
        registry = ToolRegistry()
        bridge = McpBridge(registry)
        stdio = McpServerConfig(name="dice", command=command, args=args)
        web = McpServerConfig(
            name="web", transport=McpTransport.HTTP, url=f"http://127.0.0.1:{port}/mcp"
        )
        started = time.perf_counter()
        await bridge.apply(McpServerList((stdio,)))
        stdio_start_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        await bridge.apply(McpServerList((stdio, web)))
        http_start_ms = (time.perf_counter() - started) * 1000
        baseline = await _in_process(calls)
        over_stdio = await _timed_calls(registry, "dice__roll_dice", calls)
        over_http = await _timed_calls(registry, "web__roll_dice", calls)
        started = time.perf_counter()
        await bridge.stop_all()
        stop_ms = (time.perf_counter() - started) * 1000
    finally:
        http.terminate()
        http.wait(5)
    base = statistics.median(baseline)
    print(f"start: stdio server {stdio_start_ms:.0f} ms (process + initialize + tools/list)")
    print(f"start: http server {http_start_ms:.0f} ms (initialize + tools/list)")
    print(f"stop: {stop_ms:.0f} ms for both")
    print(f"baseline: in-process roll median {base:.3f} ms over {calls} calls")
    for label, times in (("stdio", over_stdio), ("http", over_http)):
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"{label}: median {median:.2f} ms, p95 {p95:.2f} ms, "
            f"{median / base:.0f}x the in-process roll"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    logging.disable(logging.INFO)  # the in-process MCPServer turns on request logging
    asyncio.run(run(parser.parse_args().calls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
