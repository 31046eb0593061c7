"""Map: one record to its triples, as VOCABULARY.md says. Pure: no files, no network.

Takes a `FigureRecord` with its mentions and schema-jsonld block (read/); gives its `RecordGraph`
(mapping.py), the JSON-LD repaired and expanded offline (jsonld.py; memoised by structure in
jsonld_templates.py) and kept to statements about its own figure (jsonld_scope.py); vocab.py holds the
namespaces and IRI builders, one place for each.
"""
