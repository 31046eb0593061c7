"""Run: one conversion, the stages put together.

pipeline.py takes one record through read, map and check (one graph or an error out); conversion.py takes
many, in worker processes (parallel.py; a worker's part is worker.py), in input order, papers written once
(seen.py), into one output, shards (shards.py) or GMT, and gives a `RunSummary`; report.py shows progress
and findings; validate_files.py is `validate`'s run over records and RDF files.
"""
