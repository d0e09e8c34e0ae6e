"""Input transcription follows the model: only what the model takes is sent, and a phrase list
only where it applies, while the saved settings keep the user's choices."""

from __future__ import annotations

import asyncio

import pytest
from azure.ai.voicelive.aio import connect
from azure.core.credentials import AzureKeyCredential

from tests.engine.simulator_engines import engine_for
from voicelive_desktop.engine import SessionSettings
from voicelive_desktop.engine.model_transcription import (
    phrase_list_unavailable,
    transcription_models,
    valid_transcription_model,
    with_valid_transcription,
)
from voicelive_desktop.engine.session_settings import (
    ConnectionProfile,
    ConnectionSettings,
    FoundryAgentSettings,
)
from voicelive_desktop.protocol import DEMO_API_KEY
from voicelive_desktop.simulator import VoiceLiveSimulator
from voicelive_desktop.ui.preference_choices import MODELS

OPENAI = ("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe")


@pytest.mark.parametrize(
    ("model", "offered", "phrases"),
    [
        ("gpt-realtime", OPENAI, False),
        ("gpt-realtime-mini", OPENAI, False),
        ("gpt-4o-mini-realtime-preview", OPENAI, False),
        ("phi4-mm-realtime", ("azure-speech",), False),
        ("gpt-4o", ("azure-speech",), True),
        ("gpt-4.1", ("azure-speech",), True),
        ("gpt-5-chat", ("azure-speech",), True),
        ("phi4-mini", ("azure-speech",), True),
    ],
)
def test_each_model_is_offered_the_transcription_the_how_to_pairs_it_with(
    model: str, offered: tuple[str, ...], phrases: bool
) -> None:
    connection = ConnectionSettings(model=model)
    assert transcription_models(connection) == offered
    assert (phrase_list_unavailable(connection, offered[0]) == "") is phrases


def test_a_foundry_agent_takes_azure_speech_and_a_phrase_list() -> None:
    agent = ConnectionSettings(
        model="gpt-realtime",  # the agent's own model decides, not this field
        profile=ConnectionProfile.FOUNDRY_AGENT,
        agent=FoundryAgentSettings(agent_name="a", project_name="p"),
    )
    assert transcription_models(agent) == ("azure-speech",)
    assert phrase_list_unavailable(agent, "azure-speech") == ""


def test_a_saved_choice_the_model_does_not_take_becomes_its_preferred_one() -> None:
    realtime, text = ConnectionSettings(model="gpt-realtime"), ConnectionSettings(model="gpt-4.1")
    assert valid_transcription_model("azure-speech", realtime) == "whisper-1"
    assert valid_transcription_model("gpt-4o-transcribe", realtime) == "gpt-4o-transcribe"
    assert valid_transcription_model("gpt-4o-transcribe", text) == "azure-speech"
    assert valid_transcription_model("", text) == ""  # off stays off
    assert "need azure-speech" in phrase_list_unavailable(text, "")
    assert "gpt-realtime" in phrase_list_unavailable(realtime, "whisper-1")


def test_what_is_sent_drops_the_phrase_list_but_the_settings_keep_it() -> None:
    saved = SessionSettings(input_transcription_model="azure-speech", phrase_list=("Contoso",))
    sent = with_valid_transcription(saved, ConnectionSettings(model="phi4-mm-realtime"))
    assert (sent.input_transcription_model, sent.phrase_list) == ("azure-speech", ())
    assert saved.phrase_list == ("Contoso",)
    assert with_valid_transcription(saved, ConnectionSettings(model="gpt-4.1")) is saved


@pytest.mark.asyncio
@pytest.mark.parametrize("model", [*MODELS, "gpt-5-chat"])
@pytest.mark.parametrize("saved", ["azure-speech", "gpt-4o-mini-transcribe"])
async def test_the_session_config_sent_is_one_the_service_takes_for_the_model(
    sim: VoiceLiveSimulator, model: str, saved: str
) -> None:
    session = SessionSettings(input_transcription_model=saved, phrase_list=("Contoso", "Zoë"))
    engine, _, _ = engine_for(sim, session=session, model=model)
    await engine.start()  # raises if the simulator refused the session.update
    try:
        assert not sim.sent_of("error")
        applied = sim.session_config
        assert applied is not None and applied["model"] == model
        transcription = applied["input_audio_transcription"]
        expected = transcription_models(ConnectionSettings(model=model))
        assert transcription["model"] in expected
        text_model = "realtime" not in model
        assert ("phrase_list" in transcription) is text_model
        if text_model:
            assert transcription["phrase_list"] == ["Contoso", "Zoë"]
    finally:
        await engine.stop()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("model", "transcription", "param"),
    [
        ("gpt-realtime", {"model": "azure-speech"}, "model"),
        ("gpt-4.1", {"model": "whisper-1"}, "model"),
        ("phi4-mm-realtime", {"model": "azure-speech", "phrase_list": ["Contoso"]}, "phrase_list"),
    ],
)
async def test_the_simulator_refuses_transcription_the_model_does_not_take(
    sim: VoiceLiveSimulator, model: str, transcription: dict[str, object], param: str
) -> None:
    # What makes the test above able to fail: the simulator holds the how-to's pairing.
    async with connect(
        endpoint=sim.endpoint, credential=AzureKeyCredential(DEMO_API_KEY), model=model
    ) as connection:
        await connection.session.update(session={"input_audio_transcription": transcription})
        for _ in range(200):
            if sim.sent_of("error"):
                break
            await asyncio.sleep(0.025)
    (error,) = sim.sent_of("error")
    assert error["error"]["param"] == f"session.input_audio_transcription.{param}"
