"""Digital Shandong plan site: data loading, checking, model, rendering and exports.

Engine-independent except ``mkdocs_hooks`` (the thin MkDocs glue).
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
