"""Listing devices and choosing one by name, on the virtual sound system."""

from __future__ import annotations

import pytest

from voicelive_desktop.audio.devices import Direction, choose_device, find_device, list_devices
from voicelive_desktop.audio.errors import AudioDeviceNotFound

pytestmark = pytest.mark.audio


def test_lists_inputs_and_outputs_with_a_default(virtual_audio: object) -> None:
    for direction in Direction:
        devices = list_devices(direction)
        assert devices, f"no {direction.value} devices"
        assert all(device.channels > 0 and device.default_rate > 0 for device in devices)
        assert sum(device.is_default for device in devices) == 1


def test_picks_by_exact_name_and_by_unique_part(virtual_audio: object) -> None:
    default = find_device(Direction.INPUT)
    assert find_device(Direction.INPUT, default.name) == default
    pulse = find_device(Direction.OUTPUT, "pulse")
    assert pulse.name == "pulse"


def test_unknown_name_lists_what_is_there(virtual_audio: object) -> None:
    with pytest.raises(AudioDeviceNotFound) as caught:
        find_device(Direction.INPUT, "Studio Condenser USB")
    message = str(caught.value)
    assert "no microphone called 'Studio Condenser USB'" in message
    assert "default" in message


@pytest.mark.allow_log_warnings(r"audio\.devices: output device .* is gone; using the default")
def test_a_vanished_named_device_can_fall_back_to_the_default(virtual_audio: object) -> None:
    device = choose_device(Direction.OUTPUT, "Unplugged Headset", fall_back_to_default=True)
    assert device.is_default
    with pytest.raises(AudioDeviceNotFound):
        choose_device(Direction.OUTPUT, "Unplugged Headset", fall_back_to_default=False)
