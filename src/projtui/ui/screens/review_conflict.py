"""A review saved by someone else meanwhile: the fields the conflict dialog compares, and the merge that keeps typed text.

The dialog itself is the project form's (`conflict.py`): yours against
theirs, field by field. "Back to editing" merges: the form takes their
value wherever the user left a field as it was, and keeps every field the
user changed, so nothing typed is lost.
"""

from __future__ import annotations

from projtui.domain.enums import Rag
from projtui.domain.rag import rag_caption
from projtui.domain.records import ReviewFields
from projtui.ui.widgets.form import FieldSpec

_RAGS = tuple((rag_caption(rag), rag) for rag in Rag)

# The fields review mode edits, in the form's order.
REVIEW_FIELDS = (
    FieldSpec("rag", "Overall RAG", "choice", _RAGS),
    FieldSpec("time_rag", "Time RAG", "choice", _RAGS),
    FieldSpec("cost_rag", "Cost RAG", "choice", _RAGS),
    FieldSpec("scope_rag", "Scope RAG", "choice", _RAGS),
    FieldSpec("benefits_rag", "Benefits RAG", "choice", _RAGS),
    FieldSpec("commentary", "Commentary", "long"),
    FieldSpec("next_steps", "Next steps", "long"),
    FieldSpec("spend_to_date_pence", "Spend to date", "money"),
    FieldSpec("forecast_pence", "Forecast", "money"),
)


def merged(original: ReviewFields, yours: ReviewFields, theirs: ReviewFields) -> ReviewFields:
    """Their review, with every field the user changed from `original` (what they opened) as the user typed it."""
    changed = {spec.name: getattr(yours, spec.name) for spec in REVIEW_FIELDS if getattr(yours, spec.name) != getattr(original, spec.name)}
    return theirs.model_copy(update=changed)
