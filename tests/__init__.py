"""Tests of gridwatch; a package so that pytest puts the repository root on sys.path."""
