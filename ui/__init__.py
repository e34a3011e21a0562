"""Shared Qt: application bootstrap, the one theme, translations, widgets, background tasks."""
