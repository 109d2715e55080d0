"""The screens of the screener TUI."""
