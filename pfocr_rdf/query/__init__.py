"""Query: SPARQL, whichever store answers.

Takes a query (a named one from data/queries/*.rq with its parameters, a file, or SPARQL text); gives
answers in one shape from any store (results.py: SELECT tables as table, CSV, TSV or JSON; triples;
booleans), and a run that Ctrl-C, SIGTERM and --timeout can stop (stoppable.py).
"""
