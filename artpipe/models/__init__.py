"""Bundled model files (see README.md beside this file)."""
