"""The gridwatch program: settings, the wiring of the stages, the CLI and the demo."""
