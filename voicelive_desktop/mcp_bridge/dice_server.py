"""The example MCP server the app ships: fair dice, over stdio or streamable HTTP.

    python -m voicelive_desktop.mcp_bridge.dice_server              # stdio (a local server)
    python -m voicelive_desktop.mcp_bridge.dice_server --http 8931  # http://127.0.0.1:8931/mcp
    ... --http 8931 --or-free-port   # another free port when 8931 is taken (0: any port)

Preferences adds it with one click; the offline demo uses it as a local and a remote server.
`VOICELIVE_DICE_SEED` makes the rolls repeatable (tests, screenshots). A local (stdio) server
gets only its own env entries besides a minimal environment, so put the seed in its entry.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

SERVER_NAME = "dice"
ROLL_TOOL = "roll_dice"
MAX_DICE = 20
MAX_SIDES = 1000
# Printed on stdout once the HTTP port is bound, followed by " on PORT": whoever started the
# server waits for this line, not for the port to answer (another program on the port
# answers too), and reads the port from it.
READY_LINE = "dice server listening"


def build_server() -> MCPServer[Any]:
    """The dice server with its one tool."""
    # Imported here: the app imports this module for `example_server_command` and must not
    # load the MCP SDK's server side with it.
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    seed = os.environ.get("VOICELIVE_DICE_SEED")
    rng = random.Random(int(seed)) if seed and seed.isdigit() else random.SystemRandom()
    server: MCPServer[Any] = MCPServer(
        SERVER_NAME, instructions="Rolls fair dice. Ask it for any number of dice of any size."
    )

    @server.tool(name=ROLL_TOOL)
    def roll_dice(sides: int = 6, count: int = 1) -> dict[str, Any]:
        """Roll `count` fair dice with `sides` sides each; returns each roll and the total."""
        if not 2 <= sides <= MAX_SIDES:
            raise ToolError(f"a die needs 2 to {MAX_SIDES} sides, not {sides}")
        if not 1 <= count <= MAX_DICE:
            raise ToolError(f"roll 1 to {MAX_DICE} dice, not {count}")
        rolls = [rng.randint(1, sides) for _ in range(count)]
        what = f"a {sides}-sided die" if count == 1 else f"{count} {sides}-sided dice"
        shown = str(rolls[0]) if count == 1 else f"{' + '.join(map(str, rolls))} = {sum(rolls)}"
        return {"rolls": rolls, "total": sum(rolls), "summary": f"Rolled {what}: {shown}."}

    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--http", type=int, metavar="PORT", help="serve streamable HTTP on PORT")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--or-free-port", action="store_true", help="use a free port when PORT is taken"
    )
    parser.add_argument(
        "--exit-with-parent", action="store_true", help="exit when the starting process ends"
    )
    args = parser.parse_args(argv)
    if args.exit_with_parent:
        _exit_with_parent()
    server = build_server()
    if args.http is not None:
        return _serve_http(server, args.host, args.http, args.or_free_port)
    server.run()
    return 0


def _serve_http(server: MCPServer[Any], host: str, port: int, or_free_port: bool) -> int:
    """Bind `port` (or a free one) first, say which on stdout, then serve streamable HTTP on
    that socket."""
    import anyio
    import uvicorn

    try:
        listener = socket.create_server((host, port))
    except OSError as error:
        if not or_free_port:
            print(f"cannot listen on {host}:{port}: {error}", file=sys.stderr)
            return 1
        listener = socket.create_server((host, 0))
    print(f"{READY_LINE} on {listener.getsockname()[1]}", flush=True)
    config = uvicorn.Config(server.streamable_http_app(host=host), log_level="warning")
    anyio.run(uvicorn.Server(config).serve, [listener])
    return 0


def _exit_with_parent() -> None:
    """Exit when the process that started this one is gone, even if it was killed: an HTTP
    server has no stdin that closes to tell it (a stdio server has)."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def example_server_command() -> tuple[str, tuple[str, ...]]:
    """How to start this server as a local stdio server from the running app (a packaged
    app runs it through its own executable, see __main__)."""
    if getattr(sys, "frozen", False):
        return sys.executable, ("--run-example-mcp-server",)
    return sys.executable, ("-m", "voicelive_desktop.mcp_bridge.dice_server")


if __name__ == "__main__":
    sys.exit(main())
