"""The `pfocr-rdf` command line: options in, one library call, printing out (the work is done by the library).

Takes the command line; gives exit statuses and what is printed. `main` is the click group (the console
script `pfocr-rdf` and `python -m pfocr_rdf`); each command is a module of its own that registers itself
on it; exits.py says how a command ends, options.py holds the options several commands share.
"""

from . import convert, load, query, validate, vocabulary  # noqa: F401  (each registers its command on main)
from .group import main

__all__ = ["main"]
