"""Store: where the RDF goes, and what answers queries.

Takes the conversion's output (run/) or RDF files (read/); gives the embedded Oxigraph store (store.py) or a
running SPARQL store over HTTP (endpoint.py), loaded one graph a figure with every count checked (load.py puts
a load together; target.py, store_target.py and rdf_files.py are what it writes to and reads from; distinct.py),
by Oxigraph's bulk loader when empty (bulk.py), skipping what did not change (reuse.py, input_keys.py,
loadstate.py).
"""
