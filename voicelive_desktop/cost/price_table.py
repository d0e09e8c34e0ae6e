"""The price table behind cost estimates: shipped defaults with their date and source, and the
user's own edited copy (a JSON file in the config folder)."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from voicelive_desktop.atomic_file import write_text_atomically

log = logging.getLogger(__name__)

PRICE_FILE_NAME = "prices.json"
PRICE_FORMAT_VERSION = 1


class PriceTableInvalid(ValueError):
    """The user's price file cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class Rates:
    """Prices in the table's currency per one million tokens of each kind."""

    text_in: float = 0.0
    text_cached_in: float = 0.0
    text_out: float = 0.0
    # Audio the model hears and speaks itself (the gpt-realtime family: "native audio").
    native_audio_in: float = 0.0
    native_audio_cached_in: float = 0.0
    native_audio_out: float = 0.0
    # Audio through Azure speech to text and Azure text to speech voices ("Audio - Standard").
    speech_audio_in: float = 0.0
    speech_audio_cached_in: float = 0.0
    speech_audio_out: float = 0.0


@dataclass(frozen=True)
class PriceTable:
    """Rates per Voice Live pricing tier (Pro, Standard, Lite), and where they came from.

    `as_of` and `source` are shown beside every estimate, so a stale table is visible.
    """

    currency: str
    as_of: str  # ISO date the figures were read
    source: str
    tiers: dict[str, Rates] = field(default_factory=dict)
    edited: bool = False  # True once loaded from the user's own file

    def rates(self, tier: str) -> Rates:
        return self.tiers.get(tier) or self.tiers.get("pro") or Rates()


# Voice Live pay-as-you-go list prices, USD per 1M tokens, from the Azure Speech pricing page
# (https://azure.microsoft.com/pricing/details/cognitive-services/speech-services/, "Voice
# live" section) as transcribed in a public price summary dated May 2026; the page itself
# could not be read from this build machine, so the figures are second-hand. Where the
# summary lists no rate (Lite native audio output), the Standard rate stands in. Which model
# is in which tier comes from the Voice Live overview, learn.microsoft.com/azure/ai-services/
# speech-service/voice-live#pricing.
DEFAULT_PRICES = PriceTable(
    currency="USD",
    as_of="2026-05-15",
    source=(
        "Azure Speech pricing page, Voice Live section (pay-as-you-go, USD), as transcribed "
        "in a public summary dated May 2026; check the page for your region and agreement"
    ),
    tiers={
        "pro": Rates(4.00, 0.40, 16.00, 32.00, 0.40, 64.00, 17.00, 0.40, 31.00),
        "standard": Rates(0.66, 0.33, 2.64, 11.00, 0.33, 22.00, 15.00, 0.33, 26.00),
        "lite": Rates(0.11, 0.04, 0.44, 4.00, 0.04, 22.00, 15.00, 0.04, 25.00),
    },
)

# Model -> tier, from the Voice Live overview's pricing table.
_STANDARD_MODELS = frozenset(
    {
        "gpt-realtime-2.1-mini",
        "gpt-realtime-mini",
        "gpt-4o-mini",
        "gpt-4o-mini-realtime-preview",
        "gpt-4.1-mini",
        "gpt-5.6-luna",
        "gpt-5-mini",
    }
)
_LITE_MODELS = frozenset({"gpt-4.1-nano", "gpt-5-nano", "phi4-mm-realtime"})


def tier_for_model(model: str) -> str:
    """The Voice Live pricing tier of `model`; unknown models are priced as Pro (the highest,
    so an estimate errs on the expensive side)."""
    name = model.strip().lower()
    if name in _STANDARD_MODELS:
        return "standard"
    if name in _LITE_MODELS:
        return "lite"
    return "pro"


def default_price_path(config_dir: Path) -> Path:
    return config_dir / PRICE_FILE_NAME


def _rates_from(data: Any, where: str) -> Rates:
    if not isinstance(data, dict):
        raise PriceTableInvalid(f"{where} must be an object of rates")
    values: dict[str, float] = {}
    for rate in fields(Rates):
        value = data.get(rate.name, 0.0)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise PriceTableInvalid(f"{where}.{rate.name} must be a number of at least 0")
        values[rate.name] = float(value)
    return Rates(**values)


def table_from_json(text: str) -> PriceTable:
    """Parse a price file; raises PriceTableInvalid naming the bad field."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PriceTableInvalid(
            f"it is not valid JSON ({error.msg}, line {error.lineno})"
        ) from None
    if not isinstance(data, dict):
        raise PriceTableInvalid("it must hold one JSON object")
    tiers = data.get("tiers")
    if not isinstance(tiers, dict) or not tiers:
        raise PriceTableInvalid("'tiers' must map tier names (pro, standard, lite) to rates")
    currency = data.get("currency", "USD")
    if not isinstance(currency, str) or not currency.strip():
        raise PriceTableInvalid("'currency' must be a currency code such as USD")
    return PriceTable(
        currency=currency.strip(),
        as_of=str(data.get("as_of", "")),
        source=str(data.get("source", "edited by you")),
        tiers={str(name): _rates_from(rates, f"tiers.{name}") for name, rates in tiers.items()},
        edited=True,
    )


def table_to_json(table: PriceTable) -> str:
    document = {
        "format_version": PRICE_FORMAT_VERSION,
        "note": "Prices per 1 million tokens. Cost shown in the app is an estimate.",
        "currency": table.currency,
        "as_of": table.as_of,
        "source": table.source,
        "tiers": {name: asdict(rates) for name, rates in table.tiers.items()},
    }
    return json.dumps(document, indent=2) + "\n"


def load_price_table(path: Path) -> PriceTable:
    """The user's table if the file exists, else the shipped defaults.

    Raises PriceTableInvalid (with the file named) when the file is there but unusable, so
    the UI can say so instead of silently estimating with other prices.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return DEFAULT_PRICES
    except OSError as error:
        raise PriceTableInvalid(
            f"The price table {path} cannot be read: {error.strerror}."
        ) from None
    try:
        return table_from_json(text)
    except PriceTableInvalid as error:
        raise PriceTableInvalid(f"The price table {path} is not usable: {error}.") from None


def save_price_table(path: Path, table: PriceTable) -> PriceTable:
    """Write the user's table atomically; returns it marked as edited."""
    edited = replace(table, edited=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, table_to_json(edited))
    return edited
