"""The dataset description's counts as a sum of per-record contributions.

A store's description counts every record it holds. Kept as a sum of what each record adds, a load
into a store that holds data updates it by the records it replaces (their old share out, the new one
in) instead of replaying every record: loading a release where 1% changed costs about 1% of the
bookkeeping. What is counted once however many records name it (a paper's entity, its links, a term,
a year) is a count of the records naming it, present while above zero. The sum gives back exactly the
DatasetStats a conversion of the same records counts (void.py), whatever their order but the example.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping

from ..map import vocab as v
from ..write.serialize import Node
from ..write.void import LINK_TARGETS, TAXON, DatasetStats

RECORDS = "r"  # records counted
TRIPLES = "n"  # statements (in quad formats each copy of a shared node counts)
ENTITIES = "e"  # the records' own subjects named by IRIs
# Keys of the rest: a letter, then what is counted ("\0" between parts; no IRI holds a NUL):
# k<predicate>: own links; l<predicate>\0<subject>\0<object>: a shared node's link (distinct);
# s<subject>: a shared subject (one entity); t<term>: a term used; o<organism>: figures naming it;
# f<papers as JSON>: figures with these papers; y<paper>\0<year>; x<taxon>\0<label>.


def contribution(stats: DatasetStats, shared: Iterable[Node], terms: bool = True) -> Counter[str]:
    """What one record adds to the description's counts: its own nodes' `stats` and its shared nodes.
    Without `terms`, the terms are left out (the load state keeps each record's set of them apart)."""
    found: Counter[str] = Counter({RECORDS: 1, TRIPLES: stats.triples, ENTITIES: stats.entities})
    for predicate, count in stats.links.items():
        if count:
            found["k" + predicate] += count
    for organism, count in stats.organisms.items():
        found["o" + organism] += count
    for papers, count in stats.figure_papers.items():
        found["f" + json.dumps(list(papers))] += count
    distinct: set[str] = set()  # counted once for the record, however many of its nodes name it
    for subject, years in stats.paper_years.items():
        distinct.update(f"y{subject}\0{year}" for year in years)
    for subject, labels in stats.taxon_labels.items():
        distinct.update(f"x{subject}\0{label}" for label in labels)
    used = set(stats.terms)
    for subject, properties in shared:
        if subject[0] == "<" and any(properties.values()):
            distinct.add("s" + subject)
        for predicate, objects in properties.items():
            if not objects:
                continue
            found[TRIPLES] += len(objects)
            used.add(predicate)
            if predicate == v.RDF_TYPE:
                used.update(objects)
            elif predicate in LINK_TARGETS:
                distinct.update(f"l{predicate}\0{subject}\0{obj}" for obj in objects)
            elif predicate == v.FABIO_YEAR:
                distinct.update(f"y{subject}\0{year}" for year in objects)
            elif predicate == v.RDFS_LABEL and subject.startswith(TAXON):
                distinct.update(f"x{subject}\0{label}" for label in objects)
    if terms:
        distinct.update("t" + term for term in used)
    found.update(dict.fromkeys(distinct, 1))
    return found


def stats_from(counts: Mapping[str, int], example: str | None) -> DatasetStats:
    """The DatasetStats a conversion of the counted records would have (`example`: the first one's figure)."""
    stats = DatasetStats(example=example)
    stats.triples = counts.get(TRIPLES, 0)
    entities = counts.get(ENTITIES, 0)
    for key, count in counts.items():
        if count <= 0:
            continue
        kind, rest = key[0], key[1:]
        if kind == "s":
            entities += 1
        elif kind == "t":
            stats.terms.add(rest)
        elif kind == "k":
            stats.links[rest] = stats.links.get(rest, 0) + count
        elif kind == "l":
            predicate = rest.split("\0", 1)[0]
            stats.links[predicate] = stats.links.get(predicate, 0) + 1
        elif kind == "o":
            stats.organisms[rest] = count
        elif kind == "f":
            stats.figure_papers[tuple(json.loads(rest))] = count
        elif kind in "yx":
            subject, value = rest.split("\0", 1)
            into = stats.paper_years if kind == "y" else stats.taxon_labels
            into.setdefault(subject, set()).add(value)
    stats.entities = entities
    return stats
