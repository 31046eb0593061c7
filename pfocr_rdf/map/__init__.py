"""Map: one record to its triples, as VOCABULARY.md says. Pure: no files, no network.

Takes a `FigureRecord` with its mentions and schema-jsonld block (read/); gives its `RecordGraph`: the
figure and its paper (mapping.py), its organisms resolved to taxa (taxa.py), its mentions (mention_triples.py),
and the JSON-LD repaired and expanded offline (jsonld.py; memoised by structure in jsonld_templates.py), kept
to statements about its own figure (jsonld_scope.py). vocab.py holds the namespaces and IRI builders.
"""
