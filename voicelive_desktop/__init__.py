"""VoiceLive Desktop: a desktop voice assistant on Azure AI Voice Live."""

__version__ = "0.1.0"
APP_NAME = "VoiceLive Desktop"
APP_ID = "voicelive-desktop"
ORGANIZATION = "VoiceLive"
