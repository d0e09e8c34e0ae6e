"""The Qt desktop UI: main window, dialogs and the one adapter to the asyncio engine."""
