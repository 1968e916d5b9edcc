"""Review mode's form: the sheet's overall RAG, the four aspect RAGs, commentary, next steps, spend and forecast.

It shows one `ReviewSheet`'s draft, says which aspect the RAG keys set (`armed`), and gives back what it shows
as validated `ReviewFields` (`collect`) or whether that differs from what is saved (`dirty`). The keys and the
writes stay with the screen: ctrl+s, p and r a g x 0 work from the queue too, not only inside the form.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Input, Select, Static, TextArea

from projtui.domain.enums import Rag
from projtui.domain.parsing import parse_pence
from projtui.domain.rag import rag_caption
from projtui.domain.records import ReviewFields
from projtui.services.reviews.models import ReviewSheet
from projtui.ui.widgets.form import editable_pence
from projtui.ui.widgets.rag import rag_content, rag_styles, rag_text

ASPECTS = ("time_rag", "cost_rag", "scope_rag", "benefits_rag")


def _blank_is_none(text: str) -> str | None:
    return text if text.strip() else None


def _aspect_word(aspect: str) -> str:
    return aspect.removesuffix("_rag").capitalize()


def _after(aspect: str | None) -> str | None:
    """The aspect the RAG keys set next: Time first, then in screen order, then none (back to the overall RAG)."""
    if aspect is None:
        return ASPECTS[0]
    following = ASPECTS.index(aspect) + 1
    return ASPECTS[following] if following < len(ASPECTS) else None


class ReviewForm(Widget):
    """The editable part of one project's review sheet (ids rv-overall … rv-forecast, styled by review.tcss)."""

    DEFAULT_CSS = """
    ReviewForm {
        height: auto;
    }
    """

    overall: var[Rag] = var(Rag.NOT_SET, init=False)
    armed: var[str | None] = var(None, init=False)  # the aspect (one of ASPECTS) the RAG keys set, or None: the overall

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sheet: ReviewSheet | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="rv-overall")
        yield Static("", id="rv-aspect-hint")
        with Horizontal(id="rv-rags"):
            for aspect in ASPECTS:
                with Vertical(classes="rv-aspect-box", id=f"rv-{aspect}-box"):
                    yield Static(f"{_aspect_word(aspect)} RAG", classes="rv-aspect-label")
                    yield Select(
                        [(rag_content(rag), rag.value) for rag in Rag], allow_blank=False, value=Rag.NOT_SET.value,
                        id=f"rv-{aspect}", classes="rv-aspect", compact=True,
                    )
        yield Static("Commentary", classes="rv-label")
        yield TextArea(id="rv-commentary", classes="rv-text", compact=True)
        yield Static("Next steps", classes="rv-label")
        yield TextArea(id="rv-next-steps", classes="rv-text", compact=True)
        with Horizontal(id="rv-money"):
            yield Static("Spend to date £", classes="rv-money-label")
            yield Input(id="rv-spend", classes="rv-money-input", compact=True)
            yield Static("", id="rv-spend-error", classes="rv-money-error")
            yield Static("Forecast £", classes="rv-money-label")
            yield Input(id="rv-forecast", classes="rv-money-input", compact=True)
            yield Static("", id="rv-forecast-error", classes="rv-money-error")

    # -- showing -------------------------------------------------------------------------------------

    def load(self, sheet: ReviewSheet, shown: ReviewFields | None = None) -> None:
        """Show the sheet's draft, or `shown` over it (a merge after a conflict); read-only when published; the RAG keys start on the overall RAG."""
        self.sheet = sheet
        fields = shown or sheet.draft_fields()
        self.set_reactive(ReviewForm.overall, fields.rag)
        self.armed = None
        self.show_overall()
        editable = sheet.editable
        for aspect in ASPECTS:
            select = self.query_one(f"#rv-{aspect}", Select)
            select.value = getattr(fields, aspect).value
            select.disabled = not editable
        for selector, value in (("#rv-commentary", fields.commentary), ("#rv-next-steps", fields.next_steps)):
            area = self.query_one(selector, TextArea)
            area.load_text(value or "")
            area.read_only = not editable
        for selector, pence in (("#rv-spend", fields.spend_to_date_pence), ("#rv-forecast", fields.forecast_pence)):
            box = self.query_one(selector, Input)
            box.value = editable_pence(pence)
            box.disabled = not editable

    def clear(self) -> None:
        """No sheet to show (the queue is empty)."""
        self.sheet = None
        self.armed = None

    def show_overall(self) -> None:
        """Draw the overall RAG line (again, after a theme change) and the aspect hint under it."""
        label = Text("Overall RAG ", style="bold")
        label.append_text(rag_text(self.overall, styles=rag_styles(self.app.theme_variables)))
        previous = self.sheet.previous_rag if self.sheet else None
        if previous is not None:
            label.append(f"   previous published: {rag_caption(previous)}", style="dim")
        if self.sheet is not None and self.sheet.editable:
            label.append("   keys r a g x 0", style="dim")
        self.query_one("#rv-overall", Static).update(label)
        self._show_aspect_hint()

    def _show_aspect_hint(self) -> None:
        """Under the overall RAG: how to rate the aspects, or which one the RAG keys set now (short: it fits at 80 columns)."""
        hint = Text()
        if self.sheet is not None and self.sheet.editable:
            if self.armed is None:
                hint.append("t, then r a g x 0: aspect RAGs", style="dim")
            else:
                hint = Text.assemble("r a g x 0 → ", (f"{_aspect_word(self.armed)} RAG", "bold"), " · Esc stops")
        self.query_one("#rv-aspect-hint", Static).update(hint)

    def watch_overall(self, rag: Rag) -> None:
        self.show_overall()

    def watch_armed(self, armed: str | None) -> None:
        for aspect in ASPECTS:
            self.query_one(f"#rv-{aspect}-box").set_class(aspect == armed, "-armed")
        self._show_aspect_hint()

    # -- the RAG keys --------------------------------------------------------------------------------

    def set_rag(self, rag: Rag) -> None:
        """Set the overall RAG, or the armed aspect's and move on to the next aspect."""
        if self.armed is None:
            self.overall = rag
        else:
            self.query_one(f"#rv-{self.armed}", Select).value = rag.value
            self.armed = _after(self.armed)

    def arm_next(self) -> None:
        """Point the RAG keys at the next aspect (the first, from the overall RAG)."""
        self.armed = _after(self.armed)

    # -- reading back --------------------------------------------------------------------------------

    def _money(self, selector: str) -> tuple[int | None, str | None]:
        text = self.query_one(selector, Input).value
        if not text.strip():
            return None, None
        try:
            return parse_pence(text), None
        except ValueError as exc:
            return None, str(exc)

    @on(Input.Changed, ".rv-money-input")
    def _money_changed(self, event: Input.Changed) -> None:
        selector = f"#{event.input.id}"
        _, error = self._money(selector)
        self.query_one(f"{selector}-error", Static).update(Text(error or ""))

    def collect(self) -> tuple[ReviewFields | None, list[str]]:
        """The review as the widgets show it, validated; or the problems."""
        assert self.sheet is not None
        base = self.sheet.draft_fields()
        problems = []
        spend, error = self._money("#rv-spend")
        if error:
            problems.append(f"spend to date: {error}")
        forecast, error = self._money("#rv-forecast")
        if error:
            problems.append(f"forecast: {error}")
        updates: dict[str, Any] = {
            "rag": self.overall,
            "commentary": _blank_is_none(self.query_one("#rv-commentary", TextArea).text),
            "next_steps": _blank_is_none(self.query_one("#rv-next-steps", TextArea).text),
            "spend_to_date_pence": spend,
            "forecast_pence": forecast,
        }
        for aspect in ASPECTS:
            value = self.query_one(f"#rv-{aspect}", Select).value
            updates[aspect] = Rag(value) if isinstance(value, str) else getattr(base, aspect)
        if problems:
            return None, problems
        try:
            return ReviewFields.model_validate({**base.model_dump(), **updates}), []
        except ValueError as exc:
            return None, [str(exc).splitlines()[-1]]

    def dirty(self) -> bool:
        """Whether the form differs from the saved draft (an invalid value counts as a change)."""
        if self.sheet is None or not self.sheet.editable:
            return False
        fields, problems = self.collect()
        return bool(problems) or fields != self.sheet.draft_fields()
