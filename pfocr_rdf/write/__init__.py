"""Write: text and files.

Takes record graphs (map/); gives RDF documents in every format, written record by record (serialize.py),
atomic and optionally gzipped output files (outputs.py) whose paths are checked before any work
(output_paths.py), the dataset description (void.py), the vocabulary file (vocabulary.py) and GMT gene
sets (gmt.py).
"""
