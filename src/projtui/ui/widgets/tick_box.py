"""How a yes/no choice looks everywhere: ``[x]`` ticked, ``[ ]`` not, readable without colour."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


def tick_mark(ticked: bool) -> str:
    """The mark the ambition picker's rows and every checkbox show."""
    return "[x]" if ticked else "[ ]"


class TickBox(Checkbox):
    """A checkbox whose mark is there or not.

    Textual's own shows the same ``▐X▌`` both ways and tells them apart by
    colour alone, which a monochrome terminal, a screen reader's text or a
    colour-blind reader cannot.
    """

    @property
    def _button(self) -> Content:
        return Content.styled(tick_mark(self.value), self.get_visual_style("toggle--label"))
