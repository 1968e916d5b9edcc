"""Snapshot export and the bundled sample portfolio."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from importlib import resources

from projtui.domain.quarter import Quarter
from projtui.services.export import iter_projects, project_ids_in_order, read_header
from projtui.services.importing import ImportResult, import_snapshot
from projtui.snapshot.writer import iter_document_chunks
from projtui.store.database import Database

SAMPLE_NAME = "lancaster.toml"


def export_snapshot(db: Database, *, up_to: Quarter | None = None, exported_at: dt.datetime | None = None) -> Iterator[str]:
    """The snapshot as text chunks, streamed a batch of projects at a time.

    `up_to` leaves out actuals, targets and reviews after that quarter.
    """
    with db.reading() as session:
        header = read_header(session).model_copy(update={"exported_at": exported_at})
        ids = project_ids_in_order(session)
        yield from iter_document_chunks(header, iter_projects(session, ids, up_to=up_to))


def sample_text() -> str:
    return resources.files("projtui").joinpath("sample_data", SAMPLE_NAME).read_text(encoding="utf-8")


def load_sample(db: Database, *, actor: str) -> ImportResult:
    return import_snapshot(db, sample_text(), source=SAMPLE_NAME, actor=actor)
