"""The local, protocol-faithful Voice Live simulator: offline demo mode and test backbone."""

from voicelive_desktop.simulator.faults import Hostile, SimulatorFaults
from voicelive_desktop.simulator.recorder import RecordedEvent
from voicelive_desktop.simulator.server import VoiceLiveSimulator, running_simulator

__all__ = ["Hostile", "RecordedEvent", "SimulatorFaults", "VoiceLiveSimulator", "running_simulator"]
