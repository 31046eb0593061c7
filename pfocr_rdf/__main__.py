"""`python -m pfocr_rdf` runs the command line."""

from .cli import main

main(prog_name="pfocr-rdf")
