"""Check: SHACL validation, one record's graph at a time.

Takes node maps (a record's graph, or an RDF file's graphs) and the shapes; gives validation results, as
findings naming the record's field, or as the standard sh:ValidationReport. shacl.py compiles SHACL Core
shapes into per-record checks (ours because pySHACL costs milliseconds a record; tests hold it to pySHACL),
xsd.py gives the XSD value spaces those checks compare, validate.py loads the shapes and words the results.
"""
