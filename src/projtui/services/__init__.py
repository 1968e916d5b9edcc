"""The one API the CLI, the TUI and the tests call. Never imports Textual."""
