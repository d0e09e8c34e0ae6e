"""The session temperature follows the model: what is asked of the service stays in range."""

from __future__ import annotations

import pytest

from tests.engine.simulator_engines import engine_for
from voicelive_desktop.engine import SessionSettings
from voicelive_desktop.engine.model_temperature import (
    REALTIME_TEMPERATURE_RANGE,
    SAFE_TEMPERATURE_RANGE,
    temperature_range,
)
from voicelive_desktop.engine.session_settings import (
    ConnectionProfile,
    ConnectionSettings,
    FoundryAgentSettings,
)
from voicelive_desktop.simulator import VoiceLiveSimulator


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-realtime", (0.6, 1.2)),
        ("gpt-realtime-mini", (0.6, 1.2)),
        ("GPT-4o-mini-realtime-preview", (0.6, 1.2)),
        ("gpt-realtime-2025-08-28", (0.6, 1.2)),
        ("gpt-4o", (0.6, 1.0)),
        ("gpt-4.1", (0.6, 1.0)),
        ("gpt-5-chat", (0.6, 1.0)),
        ("phi4-mm-realtime", (0.6, 1.0)),  # "realtime", but not an OpenAI realtime model
        ("azure-realtime", (0.6, 1.0)),
        ("my-deployment", (0.6, 1.0)),
    ],
)
def test_each_model_family_has_its_documented_or_safe_range(
    model: str, expected: tuple[float, float]
) -> None:
    assert temperature_range(ConnectionSettings(model=model)) == expected


def test_a_foundry_agents_model_is_unknown_so_the_safe_range_holds() -> None:
    agent = ConnectionSettings(
        model="gpt-realtime",
        profile=ConnectionProfile.FOUNDRY_AGENT,
        agent=FoundryAgentSettings(agent_name="a", project_name="p"),
    )
    assert temperature_range(agent) == SAFE_TEMPERATURE_RANGE


def test_the_safe_range_lies_inside_both_readings_of_the_references() -> None:
    # Voice Live reference: [0.6, 1.2]; the SDK's RequestSession contract: 0.0 to 1.0.
    low, high = SAFE_TEMPERATURE_RANGE
    assert REALTIME_TEMPERATURE_RANGE[0] <= low and high <= REALTIME_TEMPERATURE_RANGE[1]
    assert low >= 0.0 and high <= 1.0
    assert low <= 0.8 <= high  # the documented default fits every model


@pytest.mark.asyncio
@pytest.mark.parametrize(("model", "sent"), [("gpt-4.1", 1.0), ("gpt-realtime", 1.2)])
async def test_a_saved_temperature_beyond_the_models_range_is_sent_inside_it(
    sim: VoiceLiveSimulator, model: str, sent: float
) -> None:
    engine, _, _ = engine_for(sim, session=SessionSettings(temperature=1.2), model=model)
    await engine.start()
    try:
        assert sim.received_of("session.update")[-1]["session"]["temperature"] == sent
        await engine.apply_settings(SessionSettings(temperature=0.4))
        assert sim.received_of("session.update")[-1]["session"]["temperature"] == 0.6
    finally:
        await engine.stop()
