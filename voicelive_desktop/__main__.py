"""Command line entry point: parses options and hands over to the GUI, headless or support mode."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from voicelive_desktop import APP_NAME, __version__

EXAMPLE_SERVER_FLAG = "--run-example-mcp-server"


def build_parser() -> argparse.ArgumentParser:
    """The one parser for every mode, so `--help` documents them all."""
    parser = argparse.ArgumentParser(
        prog="voicelive-desktop",
        description=f"{APP_NAME}: talk to Azure AI Voice Live, or try the offline demo.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--demo", action="store_true", help="start in offline demo mode")
    parser.add_argument(
        "--connect", action="store_true", help="connect at launch with stored or env credentials"
    )
    parser.add_argument("--endpoint", metavar="URL", help="Voice Live endpoint for this run")
    parser.add_argument("--input-device", metavar="NAME", help="microphone for this run")
    parser.add_argument("--output-device", metavar="NAME", help="speaker for this run")
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument(
        "--headless", action="store_true", help="run a voice conversation without a window"
    )
    modes.add_argument(
        "--diagnose",
        action="store_true",
        help="print a health report and exit (non-zero if broken)",
    )
    modes.add_argument(
        "--ptt",
        choices=["toggle", "press", "release"],
        help="send a push-to-talk command to the running app (for desktop shortcuts on Wayland)",
    )
    headless = parser.add_argument_group("headless mode")
    headless.add_argument("--say", metavar="TEXT", help="send TEXT as a typed message")
    headless.add_argument(
        "--duration",
        type=float,
        metavar="S",
        help="stop after S seconds (default: run until Ctrl+C)",
    )
    headless.add_argument(
        "--allow-tool",
        action="append",
        metavar="NAME",
        help="let the assistant run the Ask tool NAME without asking (repeatable); "
        "other Ask tools are denied",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == [EXAMPLE_SERVER_FLAG]:
        # A packaged app has no `python -m`: it runs its example MCP server itself.
        from voicelive_desktop.mcp_bridge.dice_server import main as run_dice_server

        return run_dice_server(given[1:])
    args = build_parser().parse_args(argv)
    # Each mode is imported only when chosen: --diagnose and --headless must not load Qt.
    if args.diagnose:
        from voicelive_desktop.diagnose import run as run_diagnose

        return run_diagnose(args)
    if args.headless:
        from voicelive_desktop.headless import run as run_headless

        return run_headless(args)
    if args.ptt:
        from voicelive_desktop.instance_channel import run_ptt_command

        return run_ptt_command(args.ptt)
    from voicelive_desktop.app import run as run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
