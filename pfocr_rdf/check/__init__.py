"""Check: SHACL validation, one record's graph at a time.

Takes node maps (a record's graph, or an RDF file's graphs) and the shapes; gives validation results, as
findings naming the record's field, or as the standard sh:ValidationReport. compiler.py compiles SHACL Core
shapes into checks that runner.py runs over a datagraph.py (ours because pySHACL costs milliseconds a
record; tests hold it to pySHACL); constraints.py, xpath.py and xsd.py are the constraint components'
tests; report.py the results; validate.py loads the shapes and words the results for people.
"""
