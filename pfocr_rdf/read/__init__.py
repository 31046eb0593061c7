"""Read: everything that comes in.

Takes paths (files, folders, PFOCR site checkouts, standard input; gzip too); gives records found in order
(sources.py, stdin_input.py), their text read safely (text_files.py), their front matter parsed safely
(frontmatter.py) and normalised into a `FigureRecord` (record.py), their mentions (mentions.py) read from the
sidecar tables (tsv.py, then mention_tables.py) or inline lists (mention_tables.py), organism names as NCBI
Taxonomy ids (organisms.py, taxonomy.py), and RDF files as node maps (rdfio.py). Uses only rdf/ and errors.
"""
