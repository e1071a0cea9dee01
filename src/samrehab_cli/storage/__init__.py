"""Bytes on disk and in memory: encryption (the only code that sees a password), workbooks, files."""
