"""Spreadsheet loaders: read a tracker, find its table, normalise and validate it, store it atomically."""

from loaders.importer import ImportResult, import_bytes, import_path
from loaders.pipeline import Analysis, analyse

__all__ = ["Analysis", "ImportResult", "analyse", "import_bytes", "import_path"]
