"""A portfolio big enough that bulk inserts go out in more than one batch.

SQLAlchemy sends an executemany as multi-row INSERTs of up to 1,000 rows
each; ids read back with RETURNING must still line up with their rows
across batches, or children land under the wrong parent. Every project
here differs (titles, values, which ambition), so a misaligned id shows up
as a different export.
"""

from __future__ import annotations

from projtui.domain.quarter import Quarter
from projtui.snapshot import document as doc
from projtui.snapshot.writer import dump_document

PROJECTS = 1_100  # more than one batch of projects; two batches of measures


def bulk_document_text(count: int = PROJECTS) -> str:
    quarters = [Quarter(2024, 1), Quarter(2024, 2)]
    ambitions = [doc.Ambition(code="A1", title="A Sustainable District"), doc.Ambition(code="A2", title="A Fairer District")]
    projects = [
        doc.Project(
            code=f"SP-{i}",
            name=f"Project {i}",
            ambitions=["A1"] if i % 3 else ["A2", "A1"],
            outputs=[doc.Output(code="O1", title=f"Output of {i}", outcomes=["OC1"])],
            outcomes=[
                doc.Outcome(
                    code="OC1", title=f"Outcome of {i}", benefits=["B1"],
                    measures=[doc.Measure(code="M1", name=f"Outcome measure {i}", actuals={quarters[0]: float(i)})],
                )
            ],
            benefits=[
                doc.Benefit(
                    code="B1", title=f"Benefit of {i}",
                    measures=[doc.Measure(code="M2", name=f"Benefit measure {i}", targets={quarters[1]: i + 0.5},
                                          actuals={q: i * 10.0 + n for n, q in enumerate(quarters)})],
                )
            ],
            reviews=[doc.Review(quarter=quarters[i % 2], commentary=f"Review of {i}")],
        )
        for i in range(1, count + 1)
    ]
    return dump_document(doc.Document(ambitions=ambitions, projects=projects))
