"""The push-to-talk state machine: hold, toggle, auto-repeat, several sources, failures."""

from __future__ import annotations

import pytest

from voicelive_desktop.engine.errors import ConnectionLost
from voicelive_desktop.push_to_talk import PushToTalk
from voicelive_desktop.push_to_talk.turns import NOT_CONNECTED
from voicelive_desktop.settings import PushToTalkMode


class RecordingTarget:
    """A TurnTarget that records the order of the commands it receives."""

    def __init__(self, fail_begin: bool = False) -> None:
        self.calls: list[str] = []
        self.fail_begin = fail_begin

    async def begin_manual_turn(self) -> None:
        self.calls.append("begin")
        if self.fail_begin:
            raise ConnectionLost("The connection dropped while sending.")

    async def end_manual_turn(self) -> bool:
        self.calls.append("end")
        return True


def make(
    target: RecordingTarget | None, mode: PushToTalkMode = PushToTalkMode.HOLD
) -> tuple[PushToTalk, list[bool], list[str], list[bool]]:
    opens: list[bool] = []
    errors: list[str] = []
    sent: list[bool] = []
    ptt = PushToTalk(
        lambda: target,
        mode=mode,
        on_open_changed=opens.append,
        on_error=errors.append,
        on_sent=sent.append,
    )
    return ptt, opens, errors, sent


@pytest.mark.asyncio
async def test_hold_ignores_auto_repeat_and_closes_on_release() -> None:
    target = RecordingTarget()
    ptt, opens, _errors, sent = make(target)
    for _ in range(14):  # X repeats a held key's press without a release
        ptt.press("global")
    assert ptt.is_open
    ptt.release("global")
    ptt.release("global")
    await ptt.wait_idle()
    assert target.calls == ["begin", "end"]
    assert opens == [True, False]
    assert sent == [True, False]
    await ptt.close()


@pytest.mark.asyncio
async def test_hold_stays_open_until_the_last_source_is_released() -> None:
    target = RecordingTarget()
    ptt, _opens, _errors, _sent = make(target)
    ptt.press("key")
    ptt.press("button")
    ptt.release("key")
    assert ptt.is_open
    ptt.release("button")
    await ptt.wait_idle()
    assert target.calls == ["begin", "end"]
    await ptt.close()


@pytest.mark.asyncio
async def test_toggle_flips_on_each_fresh_press_only() -> None:
    target = RecordingTarget()
    ptt, opens, _errors, _sent = make(target, PushToTalkMode.TOGGLE)
    ptt.press("key")
    ptt.press("key")  # auto-repeat
    ptt.release("key")
    assert ptt.is_open
    ptt.press("key")
    ptt.release("key")
    await ptt.wait_idle()
    assert target.calls == ["begin", "end"]
    assert opens == [True, False]
    await ptt.close()


@pytest.mark.asyncio
async def test_toggle_command_works_in_hold_mode() -> None:
    target = RecordingTarget()
    ptt, _opens, _errors, _sent = make(target)
    ptt.toggle()
    ptt.toggle()
    await ptt.wait_idle()
    assert target.calls == ["begin", "end"]
    await ptt.close()


@pytest.mark.asyncio
async def test_not_connected_says_so_and_stays_closed() -> None:
    ptt, opens, errors, _sent = make(None)
    ptt.press("key")
    ptt.release("key")
    assert not ptt.is_open
    assert opens == []
    assert errors == [NOT_CONNECTED]


@pytest.mark.asyncio
async def test_a_failed_start_closes_the_turn_with_the_engine_message() -> None:
    target = RecordingTarget(fail_begin=True)
    ptt, opens, errors, sent = make(target)
    ptt.press("key")
    await ptt.wait_idle()
    assert not ptt.is_open
    assert opens == [True, False]
    assert errors == ["The connection dropped while sending."]
    assert sent == []
    ptt.release("key")  # nothing left to end
    await ptt.wait_idle()
    assert target.calls == ["begin"]
    await ptt.close()


@pytest.mark.asyncio
async def test_reset_forgets_held_keys_and_queued_commands() -> None:
    target = RecordingTarget()
    ptt, opens, _errors, _sent = make(target)
    ptt.press("key")
    ptt.reset()
    assert not ptt.is_open
    assert opens == [True, False]
    ptt.release("key")  # the key was forgotten: no end for a session that is gone
    await ptt.wait_idle()
    assert "end" not in target.calls
    await ptt.close()
