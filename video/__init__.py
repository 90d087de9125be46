"""Cameras: where they are, what they see, and probes of their streams."""
