"""The Textual face of screener: screens and dialogs over the core (no business logic)."""
