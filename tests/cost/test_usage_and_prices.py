"""Token counting from response.done usage, the price table and cost estimates."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicelive_desktop.cost import (
    DEFAULT_PRICES,
    CostEstimator,
    PriceTableInvalid,
    Rates,
    load_price_table,
    save_price_table,
    tier_for_model,
)
from voicelive_desktop.engine.usage import TokenCounts, UsageTally

REALTIME_USAGE = {
    "total_tokens": 1500,
    "input_tokens": 1000,
    "output_tokens": 500,
    "input_token_details": {
        "cached_tokens": 300,
        "text_tokens": 600,
        "audio_tokens": 400,
        "cached_tokens_details": {"text_tokens": 200, "audio_tokens": 100},
    },
    "output_token_details": {"text_tokens": 100, "audio_tokens": 400},
}


def test_cached_tokens_are_split_out_of_text_and_audio_input() -> None:
    counts = TokenCounts.from_usage(REALTIME_USAGE)
    assert counts == TokenCounts(
        text_in=400,
        audio_in=300,
        cached_text_in=200,
        cached_audio_in=100,
        text_out=100,
        audio_out=400,
    )
    assert (counts.input_total, counts.output_total) == (1000, 500)


def test_a_cached_total_without_details_comes_from_text_first() -> None:
    usage = {
        "input_token_details": {"cached_tokens": 250, "text_tokens": 200, "audio_tokens": 100},
        "output_token_details": {"text_tokens": 5, "audio_tokens": 7},
    }
    counts = TokenCounts.from_usage(usage)
    assert (counts.cached_text_in, counts.cached_audio_in) == (200, 50)
    assert (counts.text_in, counts.audio_in) == (0, 50)


def test_odd_usage_values_count_as_zero_never_raise() -> None:
    usage = {"input_tokens": "many", "output_tokens": -3, "input_token_details": None}
    assert TokenCounts.from_usage(usage) == TokenCounts()
    assert TokenCounts.from_usage({"input_tokens": 12, "output_tokens": 8}).total == 20


def test_the_tally_sums_responses_per_session() -> None:
    tally = UsageTally()
    tally.add(TokenCounts(text_in=1, audio_out=2))
    tally.add(TokenCounts(text_in=3, cached_text_in=4))
    assert tally.total == TokenCounts(text_in=4, cached_text_in=4, audio_out=2)
    assert tally.responses == 2
    tally.reset()
    assert tally.total.total == 0


def test_models_are_priced_in_their_documented_tier() -> None:
    assert tier_for_model("gpt-realtime") == "pro"
    assert tier_for_model("gpt-4o-mini") == "standard"
    assert tier_for_model("phi4-mm-realtime") == "lite"
    assert tier_for_model("some-new-model") == "pro"  # unknown: the expensive side


def test_estimate_uses_native_or_speech_audio_rates_by_model_and_voice() -> None:
    tokens = TokenCounts(
        text_in=1_000_000,
        cached_text_in=1_000_000,
        text_out=1_000_000,
        audio_in=1_000_000,
        cached_audio_in=1_000_000,
        audio_out=1_000_000,
    )
    pro = DEFAULT_PRICES.tiers["pro"]
    native = CostEstimator(DEFAULT_PRICES, "gpt-realtime", "alloy").estimate(tokens)
    assert native.amount == pytest.approx(
        pro.text_in
        + pro.text_cached_in
        + pro.text_out
        + pro.native_audio_in
        + pro.native_audio_cached_in
        + pro.native_audio_out
    )
    azure_voice = CostEstimator(DEFAULT_PRICES, "gpt-realtime", "en-US-AvaNeural")
    assert azure_voice.estimate(tokens).amount == pytest.approx(
        native.amount - pro.native_audio_out + pro.speech_audio_out
    )
    cascaded = CostEstimator(DEFAULT_PRICES, "gpt-4.1", "en-US-AvaNeural").estimate(tokens)
    assert cascaded.amount == pytest.approx(
        pro.text_in
        + pro.text_cached_in
        + pro.text_out
        + pro.speech_audio_in
        + pro.speech_audio_cached_in
        + pro.speech_audio_out
    )
    assert native.label().endswith("(estimate)")
    assert DEFAULT_PRICES.as_of in native.basis and "Azure Speech pricing page" in native.basis


def test_the_users_price_file_round_trips_and_wins_over_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    assert load_price_table(path) is DEFAULT_PRICES
    mine = save_price_table(
        path,
        DEFAULT_PRICES.__class__(
            currency="EUR",
            as_of="2026-11-30",
            source="my contract",
            tiers={"pro": Rates(text_in=1.5)},
        ),
    )
    loaded = load_price_table(path)
    assert loaded == mine and loaded.edited
    assert loaded.rates("pro").text_in == 1.5
    assert (
        CostEstimator(loaded, "gpt-4o", "x").estimate(TokenCounts(text_in=2_000_000)).label()
        == "≈ €3.00 (estimate)"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('{"tiers": {}}', "'tiers'"),
        ('{"tiers": {"pro": {"text_in": -1}}}', "tiers.pro.text_in"),
        ('{"tiers": {"pro": {"text_in": "cheap"}}}', "tiers.pro.text_in"),
    ],
)
def test_a_broken_price_file_is_refused_with_its_name_and_the_field(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "prices.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PriceTableInvalid) as caught:
        load_price_table(path)
    assert str(path) in str(caught.value) and problem in str(caught.value)
