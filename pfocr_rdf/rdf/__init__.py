"""RDF as the tool holds it, shared by every stage below.

Takes nothing from the stages; gives them RDF terms as canonical N-Triples text (terms.py), one record's
graph as a node map (graph.py) and the formats' names, extensions and media types (formats.py).
"""
