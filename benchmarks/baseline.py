"""The baselines import and export are compared with: what the same work costs with no framework at all.

Import baseline: `tomllib.loads` of the same text, then raw `sqlite3`
`executemany` of the same rows into the same tables (created by projtui's
own migrations on a fresh file), in one transaction, with the connection
settings projtui uses (WAL, synchronous=NORMAL, foreign keys on). Ids are
assigned in Python, so no statement needs RETURNING. "The same rows"
includes the audit rows projtui writes for an import into an empty
database (one per portfolio field, ambition and project), so both end
with identical row counts; `check_equivalent` proves the two databases
export byte-identical text.

Spreadsheet import baseline: python-calamine reading the register workbook's
cells, then the same `executemany` (`raw_import_register`).

Export baseline: `tomli_w.dumps` of the dict `tomllib` parsed from the same
snapshot (parsed before the clock starts).

There is no validation, no diff and no canonical ordering here: the
baseline is a floor, not a competitor.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tomllib

import tomli_w

TABLES: dict[str, tuple[str, ...]] = {
    "setting": ("key", "value"),
    "ambition": ("id", "version", "code", "title", "description", "plan_period", "sort_order"),
    "priority": ("id", "version", "ambition_id", "code", "title", "description", "sort_order"),
    "project": (
        "id", "version", "code", "name", "summary", "service", "directorate", "portfolio_holder", "senior_responsible_owner",
        "lead", "stage", "start_date", "end_date", "budget_pence", "created_at", "updated_at",
    ),
    "project_ambition": ("project_id", "ambition_id", "is_primary"),
    "benefits_review_plan": (
        "id", "version", "project_id", "status", "approved_by", "approved_on", "review_schedule", "post_project_owner", "notes",
    ),
    "quarterly_review": (
        "id", "version", "project_id", "fy_start_year", "quarter", "status", "published_by", "published_on", "rag", "time_rag",
        "cost_rag", "scope_rag", "benefits_rag", "commentary", "next_steps", "spend_to_date_pence", "forecast_pence",
    ),
    "output": ("id", "version", "project_id", "code", "title", "description", "owner", "position"),
    "outcome": ("id", "version", "project_id", "code", "title", "description", "owner", "position"),
    "benefit": (
        "id", "version", "project_id", "code", "title", "description", "owner", "position", "category", "quantification",
        "recipient", "disbenefit", "full_year_value_pence", "realisation_start", "realisation_end", "dependencies", "status",
    ),
    "output_outcome": ("output_id", "outcome_id"),
    "outcome_benefit": ("outcome_id", "benefit_id"),
    "measure": (
        "id", "version", "project_id", "outcome_id", "benefit_id", "code", "name", "description", "unit", "direction", "baseline",
        "baseline_period", "target", "target_max", "target_period", "frequency", "aggregation", "tolerance", "data_source",
        "owner", "position",
    ),
    "measure_target": ("measure_id", "fy_start_year", "quarter", "value"),
    "measure_value": (
        "id", "version", "measure_id", "fy_start_year", "quarter", "value", "provisional", "note", "entered_by", "entered_at",
    ),
    "audit_log": ("at", "actor", "action", "entity", "entity_key", "project_id", "field", "old_value", "new_value"),
}
INSERTS = {name: f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})" for name, cols in TABLES.items()}


def _quarter(label: str) -> tuple[int, int]:
    # The canonical label only ("2024/25 Q1"): the generator writes nothing else.
    return int(label[:4]), int(label[-1])


def _date(value):
    return value.isoformat() if value is not None else None


def _stamp(moment: dt.datetime) -> str:
    # As SQLAlchemy's SQLite DATETIME stores it.
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("foreign_keys = ON", "journal_mode = WAL", "busy_timeout = 5000", "synchronous = NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


def rows_from(data: dict, actor: str = "bench") -> dict[str, list[tuple]]:
    """Every row the snapshot becomes, per table, as tuples in TABLES order (ids assigned here)."""
    now = _stamp(dt.datetime.now(dt.UTC))
    out: dict[str, list[tuple]] = {name: [] for name in TABLES}
    setting, ambition, priority, project = out["setting"], out["ambition"], out["priority"], out["project"]
    links, plans, reviews = out["project_ambition"], out["benefits_review_plan"], out["quarterly_review"]
    outputs, outcomes, benefits = out["output"], out["outcome"], out["benefit"]
    output_outcome, outcome_benefit, measures = out["output_outcome"], out["outcome_benefit"], out["measure"]
    targets, values, audit = out["measure_target"], out["measure_value"], out["audit_log"]

    for key in ("name", "council"):
        value = data.get("portfolio", {}).get(key)
        if value is not None:
            setting.append((f"portfolio.{key}", value))
            audit.append((now, actor, "update", "portfolio", "portfolio", None, key, None, value))
    ambition_ids = {}
    for a in data.get("ambitions", []):
        aid = len(ambition) + 1
        ambition_ids[a["code"]] = aid
        ambition.append((aid, 1, a["code"], a["title"], a.get("description"), a.get("plan_period"), aid))
        audit.append((now, actor, "create", "ambition", a["code"], None, None, None, a["title"]))
        for i, p in enumerate(a.get("priorities", [])):
            priority.append((len(priority) + 1, 1, aid, p["code"], p["title"], p.get("description"), i))

    for p in data.get("projects", []):
        pid = len(project) + 1
        project.append((
            pid, 1, p["code"], p["name"], p.get("summary"), p.get("service"), p.get("directorate"), p.get("portfolio_holder"),
            p.get("senior_responsible_owner"), p.get("lead"), p.get("stage", "pipeline"), _date(p.get("start_date")),
            _date(p.get("end_date")), p.get("budget_pence"), now, now,
        ))
        audit.append((now, actor, "create", "project", p["code"], pid, None, None, p["name"]))
        for i, code in enumerate(p.get("ambitions", [])):
            links.append((pid, ambition_ids[code], i == 0))
        b = p.get("benefits_review_plan", {})
        plans.append((
            len(plans) + 1, 1, pid, b.get("status", "draft"), b.get("approved_by"), _date(b.get("approved_on")),
            b.get("review_schedule"), b.get("post_project_owner"), b.get("notes"),
        ))
        for r in p.get("reviews", []):
            year, q = _quarter(r["quarter"])
            reviews.append((
                len(reviews) + 1, 1, pid, year, q, r.get("status", "draft"), r.get("published_by"), _date(r.get("published_on")),
                r.get("rag", "not_set"), r.get("time_rag", "not_set"), r.get("cost_rag", "not_set"), r.get("scope_rag", "not_set"),
                r.get("benefits_rag", "not_set"), r.get("commentary"), r.get("next_steps"), r.get("spend_to_date_pence"),
                r.get("forecast_pence"),
            ))
        out_ids, oc_ids, ben_ids = {}, {}, {}
        for i, o in enumerate(p.get("outputs", [])):
            out_ids[o["code"]] = oid = len(outputs) + 1
            outputs.append((oid, 1, pid, o["code"], o["title"], o.get("description"), o.get("owner"), i))
        for i, o in enumerate(p.get("outcomes", [])):
            oc_ids[o["code"]] = oid = len(outcomes) + 1
            outcomes.append((oid, 1, pid, o["code"], o["title"], o.get("description"), o.get("owner"), i))
        for i, x in enumerate(p.get("benefits", [])):
            ben_ids[x["code"]] = bid = len(benefits) + 1
            benefits.append((
                bid, 1, pid, x["code"], x["title"], x.get("description"), x.get("owner"), i,
                x.get("category", "non-cash-releasing"), x.get("quantification", "quantitative"),
                x.get("recipient", "direct-public-sector"), x.get("disbenefit", False), x.get("full_year_value_pence"),
                x.get("realisation_start"), x.get("realisation_end"), x.get("dependencies"), x.get("status", "forecast"),
            ))
        for o in p.get("outputs", []):
            output_outcome.extend((out_ids[o["code"]], oc_ids[c]) for c in o.get("outcomes", []))
        for o in p.get("outcomes", []):
            outcome_benefit.extend((oc_ids[o["code"]], ben_ids[c]) for c in o.get("benefits", []))
        position = 0
        parents = [(oc_ids[o["code"]], None, o) for o in p.get("outcomes", [])] + [(None, ben_ids[x["code"]], x) for x in p.get("benefits", [])]
        for outcome_id, benefit_id, parent in parents:
            for m in parent.get("measures", []):
                mid = len(measures) + 1
                measures.append((
                    mid, 1, pid, outcome_id, benefit_id, m["code"], m["name"], m.get("description"), m.get("unit", ""),
                    m.get("direction", "higher"), m.get("baseline"), m.get("baseline_period"), m.get("target"), m.get("target_max"),
                    m.get("target_period"), m.get("frequency", "quarterly"), m.get("aggregation", "snapshot"), m.get("tolerance"),
                    m.get("data_source"), m.get("owner"), position,
                ))
                position += 1
                for label, value in m.get("targets", {}).items():
                    targets.append((mid, *_quarter(label), value))
                provisional, notes = set(m.get("provisional", ())), m.get("notes", {})
                for label, value in m.get("actuals", {}).items():
                    values.append((len(values) + 1, 1, mid, *_quarter(label), value, label in provisional, notes.get(label), actor, now))
    return out


def raw_import(path: str, text: str) -> dict[str, int]:
    """tomllib + executemany into a database that projtui's migrations created; one transaction. Returns rows per table."""
    return _insert(path, rows_from(tomllib.loads(text)))


# The register workbook's headers (domain/sheets.py's own), in the order worker.py writes them.
REGISTER_AMBITIONS = ("Code", "Title", "Plan period", "Description")
REGISTER_PROJECTS = ("Code", "Name", "Stage", "Service", "Directorate", "Lead", "SRO", "Portfolio holder", "Start", "End", "Budget",
                     "Ambitions", "Summary")
_AMBITION_KEYS = ("code", "title", "plan_period", "description")
_PROJECT_KEYS = ("code", "name", "stage", "service", "directorate", "lead", "senior_responsible_owner", "portfolio_holder",
                 "start_date", "end_date", "budget_pence", "ambitions", "summary")


def raw_import_register(path: str, workbook: str) -> dict[str, int]:
    """python-calamine reading the register's cells bare, then the same executemany as `raw_import`.

    The cells are taken as the writer put them (dates as dates, pounds as
    numbers, codes "; "-separated): no header matching and no validation.
    """
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(workbook) as book:
        ambitions = book.get_sheet_by_name("Ambitions").to_python()[1:]
        projects = book.get_sheet_by_name("Projects").to_python()[1:]
    data = {
        "ambitions": [{k: v for k, v in zip(_AMBITION_KEYS, row, strict=True) if v != ""} for row in ambitions],
        "projects": [],
    }
    for row in projects:
        project = {k: v for k, v in zip(_PROJECT_KEYS, row, strict=True) if v != ""}
        if "budget_pence" in project:
            project["budget_pence"] = round(project["budget_pence"] * 100)
        project["ambitions"] = project["ambitions"].split("; ") if "ambitions" in project else []
        data["projects"].append(project)
    return _insert(path, rows_from(data))


def _insert(path: str, rows: dict[str, list[tuple]]) -> dict[str, int]:
    connection = connect(path)
    try:
        connection.execute("BEGIN IMMEDIATE")
        for name, table_rows in rows.items():
            if table_rows:
                connection.executemany(INSERTS[name], table_rows)
        connection.execute("COMMIT")
    finally:
        connection.close()
    return {name: len(table_rows) for name, table_rows in rows.items()}


def raw_export(data: dict) -> str:
    return tomli_w.dumps(data)


def table_counts(path: str) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        return {name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in TABLES}
    finally:
        connection.close()
