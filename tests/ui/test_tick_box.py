"""A checkbox reads ticked or not by its mark alone, as the ambition picker's rows do."""

from textual.app import App, ComposeResult

from projtui.ui.widgets.tick_box import TickBox, tick_mark


class _Boxes(App):
    def compose(self) -> ComposeResult:
        yield TickBox("Provisional", id="box")


async def test_the_mark_shows_the_value_without_colour():
    async with _Boxes().run_test(size=(40, 3)) as pilot:
        box = pilot.app.query_one(TickBox)
        assert str(box.render()).startswith("[ ] Provisional")
        await pilot.press("space")  # it has focus: the only widget
        assert box.value is True and str(box.render()).startswith("[x] Provisional")
        assert tick_mark(True) == "[x]" and tick_mark(False) == "[ ]"
