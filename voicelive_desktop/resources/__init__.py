"""Data files the app loads at run time (icons), found via `resource_files`."""
