"""Push-to-talk without Qt: the press/release state machine, hotkeys and the earcons."""

from voicelive_desktop.push_to_talk.session_mode import session_for
from voicelive_desktop.push_to_talk.turns import PushToTalk, TurnTarget

__all__ = ["PushToTalk", "TurnTarget", "session_for"]
