"""A minimised window paints nothing while its session keeps working (issue 15)."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import AssistantTranscriptCompleted, ResponseFinished
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.session_panel import ApplyStatus


class WindowPaints(QObject):
    """Counts the paint events of a window and every widget in it, by widget class."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.by_widget: dict[str, int] = {}
        for widget in [window, *window.findChildren(QWidget)]:
            widget.installEventFilter(self)

    @property
    def total(self) -> int:
        return sum(self.by_widget.values())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            name = type(watched).__name__
            self.by_widget[name] = self.by_widget.get(name, 0) + 1
        return False


@pytest.mark.asyncio
async def test_a_minimised_window_paints_nothing_while_the_session_works(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    window = app.window
    app.controller.endpoint_override = simulator.endpoint
    app.controller.credentials.use_for_this_run(simulator.endpoint, "demo")
    assert await app.controller.connect_configured()
    await wait_until(window.windowHandle().isExposed, what="the window on screen")
    await asyncio.sleep(0.2)  # its first frames paint
    try:
        paints = WindowPaints(window)  # counting from before the minimise: the transition counts
        window.showMinimized()
        # What changes in a session the user does not watch: a panel value the service echoes
        # back in session.updated, the status bar, the transcript, the usage figures.
        panel = window.session_panel
        panel.editors["temperature"].enter(0.9)
        panel.flush_edits()
        await wait_until(lambda: panel.status is ApplyStatus.APPLIED, what="the change applied")
        app.controller.adapter.send_text("What will the weather be like tomorrow?")
        await wait_until(lambda: app.count(ResponseFinished) >= 1, what="the reply")
        assert app.count(AssistantTranscriptCompleted) >= 1  # the session went on working
        await asyncio.sleep(0.2)  # anything still pending would paint now
        assert paints.by_widget == {}
        window.showNormal()
        await wait_until(lambda: paints.total > 0, what="the restored window's paint")
        reply = simulator.sent_of("response.audio_transcript.done")[-1]["transcript"]
        assert reply in window.transcript.conversation_text()
    finally:
        await app.controller.shutdown()
