"""History window: what a user sees and does with past conversations (offscreen Qt)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import soundfile
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget
from pytestqt.qtbot import QtBot

from voicelive_desktop.engine.usage import TokenCounts
from voicelive_desktop.history import HistoryStore, Turn
from voicelive_desktop.history.turn_usage import TurnUsage
from voicelive_desktop.recording import (
    AudioContainer,
    ConversationRecorder,
    RecordingFormat,
    TrackLayout,
    new_take,
    recording_paths,
    recordings_dir,
)
from voicelive_desktop.ui.history_dialog import HistoryDialog, open_history_dialog
from voicelive_desktop.ui.support_actions import add_support_actions

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def add(
    store: HistoryStore, conversation: str, role: str, text: str, minute: int, **extra: object
) -> None:
    start = T0 + timedelta(minutes=minute)
    store.record_turn(
        conversation,
        Turn(role, text, start, start + timedelta(seconds=5), **extra),  # type: ignore[arg-type]
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path / "history.sqlite3") as opened:
        add(opened, "weather", "user", "Will it rain in Oslo?", 0)
        add(
            opened,
            "weather",
            "assistant",
            "Light rain is likely.",
            1,
            interrupted=True,
            latency_ms=380.0,
        )
        add(opened, "recipes", "user", "How long do I boil an egg?", 10)
        add(opened, "recipes", "assistant", "About nine minutes for hard-boiled.", 11)
        yield opened


def listed(dialog: HistoryDialog) -> list[str]:
    return [
        dialog.conversation_list.item(row).text() for row in range(dialog.conversation_list.count())
    ]


def test_lists_conversations_newest_first_and_shows_the_selected_one_read_only(
    qtbot: QtBot, store: HistoryStore
) -> None:
    dialog = HistoryDialog(store)
    qtbot.addWidget(dialog)
    rows = listed(dialog)
    assert len(rows) == 2
    assert "How long do I boil an egg?" in rows[0] and "Will it rain in Oslo?" in rows[1]
    assert dialog.selected_id() == "recipes"
    assert "About nine minutes" in dialog.viewer.toPlainText()
    assert dialog.viewer.isReadOnly()
    dialog.conversation_list.setCurrentRow(1)
    shown = dialog.viewer.toPlainText()
    assert "Light rain is likely." in shown and "380 ms, interrupted" in shown


def test_search_lists_only_matching_conversations_and_clearing_restores_all(
    qtbot: QtBot, store: HistoryStore
) -> None:
    dialog = HistoryDialog(store)
    qtbot.addWidget(dialog)
    dialog.search_box.setText("rain")
    assert len(listed(dialog)) == 1
    assert "Light rain is likely." in listed(dialog)[0] or "Will it rain" in listed(dialog)[0]
    assert dialog.selected_id() == "weather"
    dialog.search_box.setText("zebra")
    assert listed(dialog) == []
    assert dialog.viewer.toPlainText() == ""
    assert not dialog.export_button.isEnabled() and not dialog.delete_button.isEnabled()
    dialog.search_box.clear()
    assert len(listed(dialog)) == 2


def test_delete_asks_first_and_removes_the_conversation_for_good(
    qtbot: QtBot, store: HistoryStore
) -> None:
    answers = [False, True]
    asked: list[str] = []

    def confirm(parent: QWidget, title: str) -> bool:
        asked.append(title)
        return answers.pop(0)

    dialog = HistoryDialog(store, confirm_delete=confirm)
    qtbot.addWidget(dialog)
    dialog.delete_selected()
    assert store.load_conversation("recipes") is not None  # the user said no
    dialog.delete_selected()
    assert asked == ["How long do I boil an egg?"] * 2
    assert store.load_conversation("recipes") is None
    assert len(listed(dialog)) == 1 and dialog.selected_id() == "weather"
    assert dialog.status_label.text() == "Conversation deleted."


def test_export_writes_the_chosen_file_and_reports_where(
    qtbot: QtBot, store: HistoryStore, tmp_path: Path
) -> None:
    target = tmp_path / "eggs.json"
    suggested: list[str] = []

    def choose(parent: QWidget, name: str) -> Path:
        suggested.append(name)
        return target

    dialog = HistoryDialog(store, ask_path=choose)
    qtbot.addWidget(dialog)
    dialog.export_button.click()
    assert suggested[0].startswith("conversation-") and suggested[0].endswith(".md")
    document = json.loads(target.read_text(encoding="utf-8"))
    assert [turn["text"] for turn in document["turns"]] == [
        "How long do I boil an egg?",
        "About nine minutes for hard-boiled.",
    ]
    assert dialog.status_label.text() == f"Exported to {target}."


def test_an_export_that_cannot_be_written_says_why_in_the_window(
    qtbot: QtBot, store: HistoryStore, tmp_path: Path
) -> None:
    dialog = HistoryDialog(store, ask_path=lambda parent, name: tmp_path / "missing" / "x.md")
    qtbot.addWidget(dialog)
    dialog.export_selected()
    assert dialog.status_label.text().startswith(f"Could not export to {tmp_path / 'missing'}")


def test_cancelling_the_save_dialog_writes_nothing(
    qtbot: QtBot, store: HistoryStore, tmp_path: Path
) -> None:
    dialog = HistoryDialog(store, ask_path=lambda parent, name: None)
    qtbot.addWidget(dialog)
    before = sorted(tmp_path.iterdir())
    dialog.export_selected()
    assert sorted(tmp_path.iterdir()) == before
    assert dialog.status_label.text() == ""


def test_help_menu_actions_open_history_and_copy_diagnostics(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICELIVE_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VOICELIVE_DESKTOP_CONFIG_DIR", str(tmp_path / "config"))
    with HistoryStore() as app_store:
        add(app_store, "c1", "user", "stored by the app", 0)
    parent = QWidget()
    qtbot.addWidget(parent)
    menu = QMenu(parent)
    history, _logs, diagnostics = add_support_actions(menu, parent)
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Conversation &history…",
        "Open &log folder",
        "Copy &diagnostics",
    ]
    diagnostics.trigger()
    copied = QGuiApplication.clipboard().text()
    assert "diagnostics (" in copied and "] Audio:" in copied and "] Keyring:" in copied
    history.trigger()
    dialog = parent.findChild(HistoryDialog)
    assert dialog is not None
    assert dialog.isVisible() and "stored by the app" in listed(dialog)[0]
    dialog.close()


def test_opening_a_damaged_history_file_explains_instead_of_crashing(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"garbage" * 100)
    shown: list[str] = []
    monkeypatch.setattr(
        "voicelive_desktop.ui.history_dialog.QMessageBox.warning",
        lambda parent, title, text: shown.append(text),
    )
    assert open_history_dialog(None, path) is None
    assert "damaged or is not a history database" in shown[0]


def test_a_recorded_conversation_shows_its_cost_and_saves_its_audio(
    qtbot: QtBot, store: HistoryStore, tmp_path: Path
) -> None:
    usage = TurnUsage(TokenCounts(text_in=120, audio_out=380), 0.0251, "USD")
    add(store, "weather", "assistant", "Bring an umbrella.", 2, usage=usage)
    folder = recordings_dir(store.path)
    two_track = RecordingFormat(AudioContainer.FLAC, TrackLayout.TWO_TRACK)
    recorder = ConversationRecorder(new_take(folder, "weather", datetime.now()), two_track)
    recorder.add_mic(bytes(960))
    recorder.stop()
    offered: list[RecordingFormat] = []

    def ask(parent: QWidget, name: str, preferred: RecordingFormat) -> tuple[Path, RecordingFormat]:
        offered.append(preferred)
        return tmp_path / "out.wav", RecordingFormat()

    saved = tmp_path / "out.wav"
    dialog = HistoryDialog(store, ask_audio_path=ask)
    qtbot.addWidget(dialog)
    dialog.conversation_list.setCurrentRow(
        listed(dialog).index(next(t for t in listed(dialog) if "Oslo" in t))
    )
    assert "500 tokens, ≈ $0.025 (estimate)" in dialog.viewer.toPlainText()
    assert dialog.audio_button.isEnabled()
    # The history lists the conversation's files beside it, with format and length.
    listing = dialog.recordings_label.text()
    assert "-mic.flac (FLAC, two tracks, 0.0 s)" in listing
    assert "-assistant.flac (FLAC, two tracks, 0.0 s)" in listing
    dialog.audio_button.click()
    assert offered == [two_track]  # the dialog offers the recording's own format first
    # Saved off the GUI thread: Save is greyed out until it is done.
    assert not dialog.audio_button.isEnabled()
    qtbot.waitUntil(lambda: "Audio saved" in dialog.status_label.text(), timeout=10_000)
    assert saved.stat().st_size > 44 and dialog.audio_button.isEnabled()
    assert soundfile.info(str(saved)).channels == 2
    dialog.conversation_list.setCurrentRow(
        listed(dialog).index(next(t for t in listed(dialog) if "egg" in t))
    )
    assert not dialog.audio_button.isEnabled()  # never recorded
    assert dialog.recordings_label.text() == "No audio recorded."
    assert len(recording_paths(folder, "weather")) == 2
    store.delete_conversation("weather")
    assert recording_paths(folder, "weather") == []  # both tracks went with it
