"""Allow `python -m gridwatch`."""

from gridwatch.cli import app

app(prog_name="gridwatch")
