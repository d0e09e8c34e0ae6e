"""Usage cost: a price table the user can edit, and estimates made with it (never a bill)."""

from voicelive_desktop.cost.estimate import (
    CostEstimate,
    CostEstimator,
    format_amount,
    format_tokens,
)
from voicelive_desktop.cost.price_table import (
    DEFAULT_PRICES,
    PriceTable,
    PriceTableInvalid,
    Rates,
    default_price_path,
    load_price_table,
    save_price_table,
    tier_for_model,
)

__all__ = [
    "DEFAULT_PRICES",
    "CostEstimate",
    "CostEstimator",
    "PriceTable",
    "PriceTableInvalid",
    "Rates",
    "default_price_path",
    "format_amount",
    "format_tokens",
    "load_price_table",
    "save_price_table",
    "tier_for_model",
]
