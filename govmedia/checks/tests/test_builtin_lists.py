from govmedia.checks.engine import Engine
from govmedia.checks.lists import load_builtin_lists


def test_it_ships_lists_without_errors_and_with_several_hundred_typos():
    entries, errors = load_builtin_lists()
    assert errors == []
    counts = {
        c: sum(1 for e in entries if e.category == c)
        for c in ("sensitive", "expression", "typo", "allow")
    }
    assert counts["typo"] >= 300
    assert counts["expression"] >= 40
    assert 0 < counts["sensitive"] <= 50  # illustrative on purpose


def test_it_never_flags_its_own_suggestions():
    entries, _ = load_builtin_lists()
    engine = Engine(entries, privacy=False, formatting=False)
    for e in entries:
        if e.suggestion and e.category in ("typo", "expression"):
            listed = [
                f
                for f in engine.check(e.suggestion).findings
                if f.category in ("typo", "expression", "sensitive")
            ]
            assert listed == [], (e.term, e.suggestion, listed)


def test_it_keeps_every_typo_different_from_its_correction_after_normalisation():
    entries, _ = load_builtin_lists()
    from govmedia.checks.normalize import fold_entry

    for e in entries:
        if e.category == "typo":
            assert fold_entry(e.suggestion) != e.key, e.term
