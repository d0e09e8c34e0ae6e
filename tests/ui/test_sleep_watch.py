"""Waking from sleep: the clock-jump rule, logind's signal on a real bus, the app reconnecting."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest
from PySide6.QtDBus import QDBusConnection, QDBusMessage
from pytestqt.qtbot import QtBot

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.engine.events import ResponseFinished, SessionState
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.sleep_watch import ClockJumpDetector, SleepWatch


class Clocks:
    """A monotonic and a wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.monotonic = 1000.0
        self.wall = 1_700_000_000.0

    def awake(self, seconds: float) -> None:
        self.monotonic += seconds
        self.wall += seconds

    def detector(self) -> ClockJumpDetector:
        return ClockJumpDetector(
            5.0, 30.0, monotonic=lambda: self.monotonic, wall=lambda: self.wall
        )


def test_ticks_while_awake_are_not_sleep() -> None:
    clocks = Clocks()
    detector = clocks.detector()
    for gap in (5.0, 5.2, 4.8, 20.0):  # a late timer or a busy loop is not sleep
        clocks.awake(gap)
        assert not detector.slept()


def test_wall_clock_gaining_on_the_monotonic_one_is_sleep() -> None:
    # Linux: the monotonic clock stops while suspended.
    clocks = Clocks()
    detector = clocks.detector()
    clocks.awake(2.0)
    clocks.wall += 3600.0
    clocks.awake(3.0)
    assert detector.slept()
    clocks.awake(5.0)
    assert not detector.slept()  # the next tick measures from the wake-up


def test_a_tick_far_later_than_its_interval_is_sleep() -> None:
    # Windows and macOS: the monotonic clock counts the sleep too.
    clocks = Clocks()
    detector = clocks.detector()
    clocks.awake(3600.0)
    assert detector.slept()


def test_a_wall_clock_set_back_is_not_sleep() -> None:
    clocks = Clocks()
    detector = clocks.detector()
    clocks.awake(5.0)
    clocks.wall -= 3600.0
    assert not detector.slept()


def test_reset_forgets_a_gap_noticed_another_way() -> None:
    clocks = Clocks()
    detector = clocks.detector()
    clocks.wall += 3600.0
    detector.reset()
    clocks.awake(5.0)
    assert not detector.slept()


def test_one_wake_up_noticed_twice_is_announced_once(qtbot: QtBot) -> None:
    clocks = Clocks()
    watch = SleepWatch(detector=clocks.detector())
    watch.stop()
    woke: list[bool] = []
    watch.resumed.connect(lambda: woke.append(True))
    clocks.wall += 3600.0
    clocks.awake(5.0)
    watch.check_clocks()
    watch.prepare_for_sleep(False)  # logind's signal for the same wake-up
    watch.prepare_for_sleep(True)  # going to sleep is no reason to reconnect
    assert woke == [True]


@pytest.fixture
def private_bus() -> Iterator[str]:
    """A D-Bus daemon of the test's own (the session bus configuration) on a private address."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (apt package dbus)")
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert daemon.stdout is not None
        yield daemon.stdout.readline().strip()
    finally:
        daemon.terminate()
        daemon.wait(5)


def test_logind_wake_signal_is_announced(qtbot: QtBot, private_bus: str) -> None:
    listener = QDBusConnection.connectToBus(private_bus, "sleep-watch-listener")
    logind = QDBusConnection.connectToBus(private_bus, "sleep-watch-logind")
    try:
        watch = SleepWatch(bus=listener)
        assert watch.listening_to_logind
        assert logind.registerService("org.freedesktop.login1")
        woke: list[bool] = []
        watch.resumed.connect(lambda: woke.append(True))
        for going_to_sleep in (True, False):
            signal = QDBusMessage.createSignal(
                "/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep"
            )
            signal.setArguments([going_to_sleep])
            assert logind.send(signal)
        qtbot.waitUntil(lambda: woke == [True], timeout=5000)
        watch.stop()
    finally:
        QDBusConnection.disconnectFromBus("sleep-watch-listener")
        QDBusConnection.disconnectFromBus("sleep-watch-logind")


def test_no_bus_leaves_the_clock_check(qtbot: QtBot) -> None:
    bus = QDBusConnection.connectToBus("unix:path=/nonexistent/bus", "sleep-watch-nowhere")
    try:
        watch = SleepWatch(bus=bus)
        assert not watch.listening_to_logind
        watch.stop()
    finally:
        QDBusConnection.disconnectFromBus("sleep-watch-nowhere")


@pytest.mark.asyncio
async def test_waking_up_reconnects_with_the_transcript_and_context_kept(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    await app.connect_to(simulator)
    app.controller.adapter.send_text("Remember the word teapot")
    await wait_until(lambda: app.count(ResponseFinished) >= 1, what="the response")
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready")
    before = app.window.transcript.conversation_text()
    assert "Remember the word teapot" in before

    app.controller.sleep_watch.resumed.emit()
    await wait_until(
        lambda: any(e.connection == 2 for e in simulator.received_events),
        what="a second connection",
    )
    await wait_until(lambda: app.window.session_state is SessionState.READY, what="ready again")
    second = [e for e in simulator.received_events if e.connection == 2]
    assert second[0].type == "session.update"

    def context() -> str:
        return str(
            [
                e.payload
                for e in simulator.received_events
                if e.connection == 2 and e.type == "conversation.item.create"
            ]
        )

    # READY follows the engine's sends; the simulator may still be reading them.
    await wait_until(lambda: "Remember the word teapot" in context(), what="the turn replayed")
    assert app.window.transcript.conversation_text() == before
    await app.controller.shutdown()
