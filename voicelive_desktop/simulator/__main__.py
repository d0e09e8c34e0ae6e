"""`voicelive-desktop-sim`: run the simulator standalone until Ctrl+C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from voicelive_desktop.protocol import DEMO_API_KEY
from voicelive_desktop.simulator.server import VoiceLiveSimulator

log = logging.getLogger("voicelive_desktop.simulator")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voicelive-desktop-sim",
        description="A local Voice Live server for the VoiceLive Desktop offline demo and tests. "
        "No Azure service is involved; replies are canned and honest about it.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--api-key", default=DEMO_API_KEY, help="the key clients must send (default: %(default)s)"
    )
    parser.add_argument(
        "--models",
        metavar="NAME",
        nargs="+",
        help="deployments that exist; others get HTTP 404 (default: any name)",
    )
    parser.add_argument(
        "--no-espeak",
        action="store_true",
        help="use the synthetic voice even when espeak-ng is installed",
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    return parser


async def serve(args: argparse.Namespace) -> None:
    """Run the simulator until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Windows event loops have no signal handlers; Ctrl+C arrives as KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    simulator = VoiceLiveSimulator(
        args.host,
        args.port,
        api_key=args.api_key,
        models=args.models,
        use_espeak=not args.no_espeak,
    )
    async with simulator:
        voice = "espeak-ng speech" if simulator.synthesizer.is_real_speech else "synthetic voice"
        key = "the demo key" if args.api_key == DEMO_API_KEY else "the key given with --api-key"
        log.info(
            "Endpoint for clients: %s (api key: %s; %s). Ctrl+C stops.",
            simulator.endpoint,
            key,
            voice,
        )
        await stop.wait()
        log.info("Stopping")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `voicelive-desktop-sim`; 0 after Ctrl+C, 1 if the port cannot be bound."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(message)s")
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    except OSError as error:
        sys.stderr.write(
            f"voicelive-desktop-sim: cannot listen on {args.host}:{args.port}: "
            f"{error.strerror or error}\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
