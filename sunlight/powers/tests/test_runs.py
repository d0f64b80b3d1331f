"""How an import groups its rows: runs of new rows of one unit, the rest one by one."""

from sunlight.powers.workbook import runs


def test_it_groups_consecutive_entries_of_a_unit_up_to_the_size() -> None:
    rows = [("a", 1), ("a", 2), ("a", 3), ("b", 4), ("a", 5)]
    found = list(runs(rows, alone=lambda r: False, group=lambda r: r[0], size=2))
    assert found == [[("a", 1), ("a", 2)], [("a", 3)], [("b", 4)], [("a", 5)]]


def test_it_keeps_entries_that_must_be_saved_alone_apart_and_in_order() -> None:
    rows = [1, 2, 3, 4, 5]
    found = list(runs(rows, alone=lambda r: r == 3, group=lambda r: "unit"))
    assert found == [[1, 2], [3], [4, 5]]
    assert list(runs([], alone=lambda r: False, group=lambda r: r)) == []
