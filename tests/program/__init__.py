"""Tests of the program's own parts: the embedded broker and the simulated town."""
