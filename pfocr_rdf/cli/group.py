"""The `pfocr-rdf` command group; each command module registers itself on it."""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pfocr-rdf")
def main() -> None:
    """Publish Pathway Figure OCR (PFOCR) records as standard RDF, validate it, load it and query it."""
