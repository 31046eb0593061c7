"""`pfocr-rdf vocabulary`: the pfocr: vocabulary file."""

from __future__ import annotations

import click

from ..rdf.formats import FORMATS
from ..write.output_paths import Output, refuse_unsafe_outputs
from ..write.outputs import STDOUT
from .exits import handle_errors
from .group import main
from .options import (
    output_format,
    refuse_gzip_under_a_plain_name,
)


@main.command()
@click.option("-o", "--output", default=STDOUT, show_default=True, help="Output file ('-' for stdout); '.gz' compresses.")
@click.option(
    "-f", "--format", "format_name", type=click.Choice(sorted(FORMATS)), help="Format [default: from -o; Turtle on stdout]."
)
@click.option("--gzip", "force_gzip", is_flag=True, help="Compress standard output; with -o FILE the name must end in .gz.")
@handle_errors
def vocabulary(output: str, format_name: str | None, force_gzip: bool) -> None:
    """Write the PFOCR vocabulary: every pfocr: term with its label, comment, domain, range and WikiPathways counterpart.

    Every converted dataset carries it too (in quad formats, in the dataset-description graph).
    """
    from ..write.vocabulary import write_vocabulary

    rdf_format, compress = output_format(output, format_name or ("ttl" if output == STDOUT else None))
    refuse_gzip_under_a_plain_name(output, compress, force_gzip)
    refuse_unsafe_outputs([Output("-o", output)])
    write_vocabulary(output, rdf_format, compress or force_gzip)
