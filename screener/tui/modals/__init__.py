"""Dialogs (modal screens) of the screener TUI."""
