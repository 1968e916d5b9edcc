"""The cycle collector held off during an import: what is made meanwhile is neither walked at once afterwards nor leaked."""

from __future__ import annotations

import gc
import weakref

from projtui.services.collector import cyclic_gc_paused


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_objects_made_while_paused_are_set_aside_as_old_not_walked_at_once() -> None:
    # Left in the youngest generation, the first allocation after the pause walks every object the import made.
    gc.collect()  # no young collection is due now, so only the pause's exit can have moved them
    with cyclic_gc_paused():
        assert not gc.isenabled()
        made = [[] for _ in range(1000)]
    assert gc.isenabled()
    oldest = {id(obj) for obj in gc.get_objects(generation=2)}
    assert all(id(obj) in oldest for obj in made)
    assert gc.get_freeze_count() == 0  # frozen only for the moment of turning back on


def test_a_cycle_made_while_paused_is_still_collected() -> None:
    with cyclic_gc_paused():
        ref = weakref.ref(_Node())
    assert ref() is not None
    gc.collect()
    assert ref() is None


def test_a_pause_inside_a_pause_leaves_the_collector_to_the_outer_one() -> None:
    with cyclic_gc_paused():
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
