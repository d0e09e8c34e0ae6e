"""Usage and cost as the user sees them: the status bar, the turn in history, the prices."""

from __future__ import annotations

import pytest

from tests.ui.helpers import AppUnderTest, wait_until
from voicelive_desktop.cost import load_price_table
from voicelive_desktop.engine.events import ResponseFinished, ResponseUsageCounted
from voicelive_desktop.history import HistoryStore
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.price_table_dialog import PriceTableDialog


@pytest.mark.asyncio
async def test_a_reply_shows_its_tokens_and_an_estimated_cost_and_history_keeps_them(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    status = app.window.usage_status
    assert status.text() == ""
    assert await app.controller.start_demo()
    app.controller.adapter.send_text("How much does this cost?")
    await wait_until(lambda: app.count(ResponseFinished) == 1, what="the reply")
    counted = [e for e in app.events if isinstance(e, ResponseUsageCounted)]
    assert len(counted) == 1 and counted[0].tokens.output_total > 0
    tokens = counted[0].tokens
    assert f"{tokens.input_total:,} in · {tokens.output_total:,} out" in status.text()
    assert status.text().endswith("(estimate)")
    assert "Cost is an estimate" in status.toolTip()
    assert app.controller.instruments.prices.as_of in status.toolTip()
    assert status.accessibleName() == "Session usage and estimated cost"

    history = app.controller.history
    assert history is not None
    with HistoryStore() as store:  # the app's history, read back as the dialog would
        stored = store.load_conversation(history.conversation_id)
    assert stored is not None
    assistant = [t for t in stored.turns if t.role == "assistant"]
    assert assistant and assistant[-1].usage is not None
    assert assistant[-1].usage.tokens == tokens
    assert assistant[-1].usage.estimated_cost is not None and assistant[-1].usage.currency == "USD"
    await app.controller.shutdown()


@pytest.mark.asyncio
async def test_edited_prices_are_saved_and_change_the_estimate(
    app_under_test: AppUnderTest, simulator: VoiceLiveSimulator
) -> None:
    app = app_under_test
    assert await app.controller.start_demo()
    app.controller.adapter.send_text("Price me")
    await wait_until(lambda: app.count(ResponseFinished) == 1, what="the reply")
    before = app.window.usage_status.text()
    dialog = app.controller.instruments.open_prices()
    assert isinstance(dialog, PriceTableDialog)
    for box in dialog.rate_boxes.values():
        assert box.accessibleName().endswith("per million tokens")
        box.setValue(box.value() * 10)
    dialog.currency.setText("EUR")
    dialog.source.setText("my agreement")
    dialog._save()
    saved = load_price_table(app.controller.instruments.price_path)
    assert saved.currency == "EUR" and saved.source == "my agreement" and saved.edited
    after = app.window.usage_status.text()
    assert "€" in after and after != before
    await app.controller.shutdown()
