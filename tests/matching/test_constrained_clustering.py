import pandas as pd

from matching.constrained_clustering import MUST, Span, cluster


def edges(rows):
    return pd.DataFrame(rows, columns=["a", "b", "weight"])


def ids(rows):
    return pd.DataFrame(rows, columns=["node", "id_key"])


NO_CANNOT = pd.DataFrame(columns=["a", "b"])


def same(labels, *nodes):
    return len({labels[n] for n in nodes}) == 1


def test_without_conflicts_clusters_are_connected_components():
    labels = cluster(5, edges([(0, 1, 12.0), (1, 2, 11.0)]), ids([(0, "RID:1")]), NO_CANNOT)
    assert same(labels, 0, 1, 2)
    assert not same(labels, 0, 3) and not same(labels, 3, 4)


def test_two_valid_ids_of_one_type_never_meet_and_the_weaker_edge_loses():
    # 0 and 2 carry different resident IDs; 1 (no ID) is closer to 0
    labels = cluster(3, edges([(0, 1, 20.0), (1, 2, 15.0)]),
                     ids([(0, "RID:1"), (2, "RID:2")]), NO_CANNOT)
    assert same(labels, 0, 1)
    assert not same(labels, 1, 2)


def test_ids_of_different_types_do_not_conflict():
    labels = cluster(2, edges([(0, 1, 20.0)]), ids([(0, "RID:1"), (1, "PASSPORT:E1")]),
                     NO_CANNOT)
    assert same(labels, 0, 1)


def test_a_cannot_link_splits_even_a_strong_chain():
    cannot = pd.DataFrame({"a": [0], "b": [2]})
    labels = cluster(3, edges([(0, 1, 1e9), (1, 2, 30.0)]), ids([]), cannot)
    assert same(labels, 0, 1)
    assert not same(labels, 0, 2)


def test_a_must_link_overrides_the_id_rule_but_not_a_cannot_link():
    labels = cluster(4, edges([(0, 1, MUST), (2, 3, MUST)]),
                     ids([(0, "RID:1"), (1, "RID:2")]), pd.DataFrame({"a": [2], "b": [3]}))
    assert same(labels, 0, 1)
    assert not same(labels, 2, 3)


def test_the_result_does_not_depend_on_edge_order():
    rows = [(0, 1, 20.0), (1, 2, 20.0), (2, 3, 5.0), (3, 4, 9.0)]
    keys = ids([(0, "RID:1"), (2, "RID:2"), (4, "RID:1")])
    first = cluster(5, edges(rows), keys, NO_CANNOT)
    second = cluster(5, edges(rows[::-1]), keys, NO_CANNOT)
    assert [first[a] == first[b] for a in range(5) for b in range(5)] == \
           [second[a] == second[b] for a in range(5) for b in range(5)]


def years(rows, limit=1):
    return Span(pd.DataFrame(rows, columns=["node", "value"]), limit)


def test_values_of_a_span_too_far_apart_never_meet_even_through_a_chain():
    # 0 born 1960 and 2 born 1987; 1 (no birth year) is closer to 0
    labels = cluster(4, edges([(0, 1, 1e9), (1, 2, 15.0), (2, 3, 9.0)]), ids([]), NO_CANNOT,
                     years([(0, 1960), (2, 1987), (3, 1986)]))
    assert same(labels, 0, 1)
    assert same(labels, 2, 3)
    assert not same(labels, 1, 2)


def test_values_of_a_span_within_its_limit_meet():
    labels = cluster(3, edges([(0, 1, 9.0), (1, 2, 9.0)]), ids([]), NO_CANNOT,
                     years([(0, 1985), (1, 1986), (2, 1985)]))
    assert same(labels, 0, 1, 2)


def test_values_drifting_along_a_chain_never_spread_beyond_the_limit():
    labels = cluster(3, edges([(0, 1, 9.0), (1, 2, 8.0)]), ids([]), NO_CANNOT,
                     years([(0, 1985), (1, 1986), (2, 1987)]))
    assert same(labels, 0, 1)
    assert not same(labels, 1, 2)


def test_a_must_link_overrides_the_span_and_its_range_may_gather_what_lies_within():
    # a steward joined 0 and 1 years apart: 2 agrees with 1, 3 lies beyond both
    labels = cluster(4, edges([(0, 1, MUST), (1, 2, 9.0), (2, 3, 8.0)]), ids([]), NO_CANNOT,
                     years([(0, 1960), (1, 1987), (2, 1987), (3, 1999)]))
    assert same(labels, 0, 1, 2)
    assert not same(labels, 2, 3)
