"""Reproduces docs/screenshot-tools.png: in the offline demo, a finished tool call's card (with
the spoken answer that used it) and a consent prompt waiting under the next call's card.

    .venv/bin/python tools/screenshot_tools.py [--out docs/screenshot-tools.png] [--theme dark]

The prompt is for `open_url`, an Ask tool out of the box, called by the demo's "Open
example.com". Nothing opens: the screenshot is taken while the prompt waits.
Settings and history go to throw-away folders, so yours are not touched.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.screenshot import run_in_throwaway_app  # noqa: E402


async def stage(out: Path, theme: str, with_sound: bool) -> None:
    from PySide6.QtWidgets import QApplication

    from voicelive_desktop.credentials import CredentialStore
    from voicelive_desktop.engine.events import SessionState, ToolCallFinished
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
    window.set_panel_open(False)  # the conversation is the subject
    window.resize(860, 680)
    window.show()
    if not await controller.start_demo():
        sys.exit(f"the demo did not connect: {window.error_banner.message}")
    window.error_banner.dismiss()
    finished: list[ToolCallFinished] = []
    controller.adapter.event_received.connect(
        lambda e: finished.append(e) if isinstance(e, ToolCallFinished) else None
    )

    async def ask(question: str) -> None:
        window.message_box.setText(question)
        window.message_box.returnPressed.emit()
        await asyncio.sleep(0.2)

    async def settled() -> None:
        while window.session_state is not SessionState.READY:
            await asyncio.sleep(0.05)

    await ask("What time is it?")
    while not finished:
        await asyncio.sleep(0.05)
    await settled()
    await ask("Open example.com")
    while not window.tool_calls.pending_prompts():
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.5)  # the prompt armed, the countdown ticking
    window.grab().save(str(out))
    print(f"saved {out}")
    await controller.shutdown()
    window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot-tools.png")
    parser.add_argument("--theme", choices=["light", "dark"], default="light")
    parser.add_argument("--virtual-audio", action="store_true", help="speak the answers")
    args = parser.parse_args()
    run_in_throwaway_app(
        lambda with_sound: stage(args.out.resolve(), args.theme, with_sound),
        virtual_audio=args.virtual_audio,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
