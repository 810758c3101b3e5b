"""Digital Shandong plan site, by stage (each imports only the stages before it; tests/test_layers.py):

    config     paths, settings, the site-address rule
    data/      load (YAML with positions), check (schemas + rules), model, history (git), sources
    views/     pure functions of the model that return text: pages, tables, charts, feeds, search, briefs
    outputs/   files: the generate step (the docs tree), downloads, the briefs' PDFs
    engine/    the little that knows MkDocs / ProperDocs / Zensical: commands, a Markdown extension
    dev/       benchmark and synthetic data
"""
from .config import ROOT

__all__ = ["ROOT"]
