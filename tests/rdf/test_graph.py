"""RecordGraph and node maps: sets of triples in insertion order, linear however long one list grows."""

from __future__ import annotations

from pfocr_rdf.rdf.graph import RecordGraph, extend_unique, merge_nodes

S, P = "<s>", "<p>"


def test_add_keeps_each_object_once_in_first_seen_order() -> None:
    graph = RecordGraph(S)
    objects = [f'"o{i % 500}"' for i in range(2_000)]
    for obj in objects:
        graph.add(S, P, obj)
    assert graph.nodes[S][P] == list(dict.fromkeys(objects)) and len(graph) == 500


def test_add_sees_a_list_replaced_or_extended_behind_its_back() -> None:
    graph = RecordGraph(S)
    for i in range(40):
        graph.add(S, P, f'"a{i}"')
    graph.nodes[S][P] = [f'"b{i}"' for i in range(40)]  # replaced (as mapping does for merged mentions)
    graph.add(S, P, '"a1"')
    graph.add(S, P, '"b1"')
    assert graph.nodes[S][P][-1] == '"a1"' and graph.nodes[S][P].count('"b1"') == 1
    graph.nodes[S][P].append('"c"')  # extended directly
    graph.add(S, P, '"c"')
    assert graph.nodes[S][P].count('"c"') == 1


def test_merges_and_extends_are_sets() -> None:
    values = [f'"x{i}"' for i in range(30)]
    extend_unique(values, [f'"x{i}"' for i in range(20, 60)] + ['"x59"'])
    assert values == [f'"x{i}"' for i in range(60)]
    target = {S: {P: ['"a"']}}
    merge_nodes(target, {S: {P: ['"a"', '"b"', '"b"']}, "<t>": {P: ['"c"', '"c"']}})
    assert target == {S: {P: ['"a"', '"b"']}, "<t>": {P: ['"c"']}}
