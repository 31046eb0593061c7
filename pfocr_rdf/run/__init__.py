"""Run: one conversion, the stages put together.

pipeline.py takes one record through read, map and check (one graph or an error out); conversion.py takes
many, in input order, papers written once (seen.py), into one output, shards (shards.py) or GMT, and gives
a `RunSummary`. The records are converted in worker processes: parallel.py is the pool (the parent's side,
parallel_worker.py the worker process's), worker.py what a worker does with a record. report.py shows
progress and findings; validate_files.py is `validate`'s run over records and RDF files.
"""
