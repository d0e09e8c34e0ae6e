"""Reproduces docs/screenshot-main-window.png: the main window mid-conversation in the
offline demo, the session panel open beside it, rendered by a real X server (Xvfb, started
here when DISPLAY is unset).
With --inspector it reproduces docs/screenshot-inspector.png instead: View → Event inspector
after the same conversation, an audio delta selected.

    .venv/bin/python tools/screenshot.py [--out docs/screenshot-main-window.png] [--theme dark]
    .venv/bin/python tools/screenshot.py --inspector --out docs/screenshot-inspector.png

Settings and history go to throw-away dirs, so your own settings, history and keyring are
not touched.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "Hi! What can you do?",
    "What is the weather like on Mars?",
    "Tell me a fun fact about octopuses.",
]


def start_xvfb() -> subprocess.Popen[bytes]:
    """An Xvfb on a free display number (it reports the number through -displayfd)."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = pipe.readline().strip()
    if not display:
        xvfb.kill()
        sys.exit("Xvfb did not start (apt-get install xvfb)")
    os.environ["DISPLAY"] = f":{display}"
    return xvfb


def start_virtual_audio() -> Any:
    """The test suite's private PulseAudio (a dev tool may reuse it; the app never does)."""
    from tests.fixtures.virtual_audio import VirtualAudio

    audio = VirtualAudio.in_new_directory("voicelive-shot-audio-")
    audio.start()
    os.environ["PULSE_SERVER"] = audio.server
    return audio


async def shoot_inspector(controller: Any, out: Path) -> None:
    """The inspector over the finished conversation, an audio delta's elided JSON shown."""
    inspector = controller.instruments.open_inspector()
    inspector.resize(900, 640)
    inspector.refresh()
    # A row may stand for several coalesced events ("response.audio.delta ×3"): pick the last
    # row that holds an audio delta, by row, not by event.
    filtered = inspector.filter

    def row_types(row: int) -> set[str]:
        source = filtered.mapToSource(filtered.index(row, 0)).row()
        return {e.type for e in inspector.model.events_at(source)}

    audio = max(r for r in range(filtered.rowCount()) if "response.audio.delta" in row_types(r))
    inspector.table.selectRow(audio)
    inspector.table.scrollTo(inspector.filter.index(audio, 0))
    await asyncio.sleep(0.3)
    inspector.grab().save(str(out))


def show_turn_taking_options(window: Any) -> None:
    """Azure semantic VAD with filler-word removal and end-of-utterance detection, so the
    panel shows its turn-taking controls in use."""
    from voicelive_desktop.engine.session_settings import EndOfUtteranceModel, TurnDetectionMode

    editors = window.session_panel.editors
    editors["turn_mode"].enter(TurnDetectionMode.AZURE_SEMANTIC_VAD)
    editors["remove_filler_words"].enter(True)
    editors["end_of_utterance"].enter(EndOfUtteranceModel.SEMANTIC)
    window.session_panel.flush_edits()


async def stage_conversation(out: Path, theme: str, with_sound: bool, inspector: bool) -> None:
    from PySide6.QtWidgets import QApplication

    from voicelive_desktop.credentials import CredentialStore
    from voicelive_desktop.engine.events import AssistantTranscriptDelta, EngineEvent, SessionState
    from voicelive_desktop.settings import SettingsStore, Theme
    from voicelive_desktop.ui.controller import AppController
    from voicelive_desktop.ui.main_window import MainWindow
    from voicelive_desktop.ui.sessions import text_session, voice_session_factory
    from voicelive_desktop.ui.theme import apply_theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = MainWindow()
    make_session = voice_session_factory() if with_sound else text_session
    controller = AppController(window, SettingsStore(), CredentialStore(), make_session)
    apply_theme(app, Theme(theme))
    window.resize(1200, 720)
    window.show()
    window.restore_panel(True, 360)  # the session panel open beside the conversation
    show_turn_taking_options(window)
    if not await controller.start_demo():
        sys.exit(f"the demo did not connect: {window.error_banner.message}")
    window.error_banner.dismiss()

    events: list[EngineEvent] = []
    controller.adapter.event_received.connect(events.append)

    async def ask(question: str) -> int:
        start = len(events)
        window.message_box.setText(question)
        window.message_box.returnPressed.emit()
        await asyncio.sleep(0.1)
        return start

    for question in QUESTIONS[:-1]:
        await ask(question)
        while window.session_state is not SessionState.READY:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
    # The last answer is captured while it streams and plays: "mid-conversation".
    start = await ask(QUESTIONS[-1])
    while sum(isinstance(e, AssistantTranscriptDelta) for e in events[start:]) < 8:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    if inspector:
        while window.session_state is not SessionState.READY:
            await asyncio.sleep(0.05)
        await shoot_inspector(controller, out)
    else:
        window.grab().save(str(out))
    print(f"saved {out}")
    await controller.shutdown()
    window.close()


def run_in_throwaway_app(
    stage: Callable[[bool], Coroutine[Any, Any, None]], *, virtual_audio: bool = False
) -> None:
    """Run `stage(with_sound)` in the app's Qt/asyncio loop on a real X server (Xvfb, started
    here when DISPLAY is unset), with throw-away config and data dirs and, if asked, the
    virtual sound system: the harness every screenshot tool shares."""
    xvfb = None if os.environ.get("DISPLAY") else start_xvfb()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    sys.path.insert(0, str(ROOT))
    audio = start_virtual_audio() if virtual_audio else None
    try:
        with tempfile.TemporaryDirectory() as config, tempfile.TemporaryDirectory() as data:
            os.environ["VOICELIVE_DESKTOP_CONFIG_DIR"] = config
            os.environ["VOICELIVE_DESKTOP_DATA_DIR"] = data
            from voicelive_desktop.app import create_application
            from voicelive_desktop.ui.event_loop import PreciseEventLoop

            app = create_application([sys.argv[0]])
            loop = PreciseEventLoop(app)
            with loop:
                loop.run_until_complete(stage(audio is not None))
    finally:
        if audio is not None:
            audio.stop()
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot-main-window.png")
    parser.add_argument("--theme", choices=["light", "dark", "high_contrast"], default="light")
    parser.add_argument(
        "--virtual-audio",
        action="store_true",
        help="play the answers on a private PulseAudio null sink so the meters move",
    )
    parser.add_argument(
        "--inspector", action="store_true", help="shoot View → Event inspector instead"
    )
    args = parser.parse_args()
    run_in_throwaway_app(
        lambda with_sound: stage_conversation(
            args.out.resolve(), args.theme, with_sound, args.inspector
        ),
        virtual_audio=args.virtual_audio,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
