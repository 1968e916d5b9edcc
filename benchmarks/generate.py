"""Synthetic portfolios in projtui's TOML snapshot format, for the benchmarks.

    .venv/bin/python benchmarks/generate.py 10000 -o /tmp/p10k.toml [--seed 1] [--large 1] [--kpis 1000]
    .venv/bin/python benchmarks/generate.py --check            # self-test (see below)

`generate(n, seed=...)` returns the text of a snapshot with `n` projects;
each project has about one output, one outcome, two benefits with a
measure each, eight quarters of actuals and four quarterly reviews, in a
realistic mix of stages, RAG ratings and council-ish names. The same
(n, seed, large) always gives the same text.

`large` projects (the first ones, by code) get a large Benefits Review Plan
instead: 50 outputs, 50 outcomes, 50 benefits, 100 measures (one per
outcome and one per benefit) and 40 quarters of actuals and of reviews.

`kpis` adds that many corporate KPIs, each with eight
quarters of actuals, a year-end forecast, some commentary and (a third) a
benchmark; a tenth are activity indicators (direction "none").

The text is written directly, not through projtui's writer, because
building 100,000 pydantic models first costs more than the whole text.
It is written in the writer's canonical layout (field order, sorting,
quoting), so a snapshot read by projtui and exported again is
byte-identical to what was generated; `--check` proves that at small
sizes with `projtui.snapshot.reader.read_document` and
`projtui.snapshot.writer.dump_document`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

SEED = 20261123
SCHEMA_VERSION = 2  # projtui's (snapshot.document.SCHEMA_VERSION, which --check compares): what its export writes

# -- vocabulary -------------------------------------------------------------------------------

PLACES = [
    "Lancaster", "Morecambe", "Carnforth", "Heysham", "Bolton-le-Sands", "Halton", "Galgate", "Silverdale",
    "Caton", "Slyne", "Overton", "Torrisholme", "Bare", "Skerton", "Scale Hall", "Ryelands", "Marsh",
    "Bowerham", "Hala", "Westgate", "Poulton", "Warton", "Hest Bank", "Dolphinholme",
]
SUBJECTS = [
    "leisure centre decarbonisation", "town hall refurbishment", "waste round optimisation", "recycling bin trial",
    "customer portal", "council tax chatbot", "housing repairs reporting", "depot relocation",
    "flood defence scheme", "car park resurfacing", "market hall regeneration", "seafront promenade works",
    "affordable homes programme", "empty homes brought back into use", "electric vehicle charging points",
    "street lighting LED upgrade", "play area renewal", "cycle route extension", "community hub",
    "office consolidation", "procurement cards roll-out", "purchase-to-pay automation", "asset condition survey",
    "visitor information transformation", "digital skills programme", "tree planting scheme",
    "public toilets refurbishment", "CCTV network upgrade", "planning system replacement", "heritage action zone",
    "business rates relief review", "homelessness prevention hub", "allotments expansion", "museum redevelopment",
    "solar array on council buildings", "fleet electrification", "payroll system replacement", "bus shelter renewal",
]
PHASES = ["", "", "", " phase 1", " phase 2", " phase 3", " (pilot)", " - feasibility", " - delivery"]
SERVICES = [
    "Waste and Recycling", "Housing", "Revenues and Benefits", "Customer Services", "Planning and Place",
    "Property and Estates", "Leisure and Culture", "Environmental Health", "Economic Development", "ICT and Digital",
    "Finance", "People and Policy", "Regeneration", "Parks and Open Spaces", "Climate Change",
]
DIRECTORATES = ["Environment and Place", "Communities and Housing", "Corporate Services", "Economic Growth and Regeneration"]
FIRST = [
    "Daniel", "Amira", "Owen", "Sarah", "Priya", "Tom", "Helen", "Joseph", "Chloe", "Imran", "Rachel", "Gareth",
    "Aisha", "Mark", "Fiona", "Liam", "Grace", "Ravi", "Emma", "Stuart", "Nadia", "Paul", "Kirsty", "Hamid",
]
LAST = [
    "Hargreaves", "Patel", "Lund", "Whittaker", "Shaw", "Ahmed", "Dobson", "Kershaw", "Singh", "Holden",
    "Clarke", "Moss", "Entwistle", "Barker", "Iqbal", "Fletcher", "Rawlinson", "Hussain", "Kay", "Bamber",
]
HOLDERS = [
    "Cabinet Member for Environmental Services", "Cabinet Member for Housing", "Cabinet Member for Finance and Resources",
    "Cabinet Member for Economic Development", "Cabinet Member for Climate Action", "Leader of the Council",
]
STAGES = [("pipeline", 10), ("initiation", 15), ("delivery", 50), ("closing", 10), ("closed", 8), ("on_hold", 5), ("cancelled", 2)]
RAGS = [("green", 55), ("amber", 30), ("red", 10), ("complete", 5)]
OUTPUT_TITLES = [
    "New system live across the service", "Works completed and handed over", "Equipment installed and commissioned",
    "Staff trained and processes redesigned", "Online forms launched", "Contract awarded and mobilised",
    "Survey completed for every building", "Pilot running with 4,000 households",
]
OUTCOME_TITLES = [
    "Lower running costs for the service", "Residents get help online first time", "Lower carbon emissions",
    "Better-quality homes for tenants", "More visitors spending in the district", "Fewer missed collections",
    "Faster processing of claims", "Buildings fit for the next 30 years",
]
BENEFIT_TITLES = [
    "Reduced energy bills", "Staff time released for front-line work", "Higher recycling rate", "Fewer calls to the contact centre",
    "Income from commercial lettings", "Reduced carbon emissions", "Faster average processing time", "Fewer empty homes",
    "Lower maintenance spend", "Higher resident satisfaction",
]
MEASURES = [
    ("Energy used by council buildings", "MWh", "lower", 1200.0), ("Calls handled by the contact centre", "count", "lower", 42000.0),
    ("Household waste recycled", "%", "higher", 33.0), ("Transactions completed online", "%", "higher", 48.0),
    ("Average days to process a new claim", "days", "lower", 21.0), ("Empty homes over six months", "count", "lower", 640.0),
    ("Commercial letting income", "£k", "higher", 310.0), ("Residents satisfied with the service", "%", "higher", 71.0),
    ("Fleet carbon emissions", "tonnes CO2e", "lower", 246.0), ("Missed collections per 100,000", "count", "lower", 38.0),
]
COMMENTARY = [
    "Works are on programme and within budget.", "Supplier lead times have delayed installation by six weeks.",
    "Procurement completed; contract awarded to the preferred bidder.", "Staff consultation closed with broad support.",
    "Costs are rising with inflation; savings are being sought within the scope.",
    "The pilot exceeded its target for online take-up.", "Planning permission granted with conditions.",
    "Key officer vacancy has slowed progress; interim cover agreed.", "Benefits are realising ahead of forecast.",
    "Scope reduced after the budget review; the board agreed the change.",
]
NEXT_STEPS = [
    "Report progress to the Strategic Projects Board.", "Complete the handover and start benefits tracking.",
    "Agree the revised programme with the contractor.", "Launch the second phase in the spring.",
    "Confirm funding for the next financial year.",
]
CATEGORIES = ["cash-releasing", "non-cash-releasing"]
RECIPIENTS = ["direct-public-sector", "indirect-public-sector", "societal"]
BENEFIT_STATUSES = ["forecast", "realising", "realised", "not_realised"]
SOURCES = ["Finance system", "CRM reports", "Energy bills", "WasteDataFlow return", "Resident survey", "Case management system"]

AMBITIONS = [
    ("A1", "A Sustainable District", [("A1.1", "Net zero council operations"), ("A1.2", "Less waste, more recycling")]),
    ("A2", "An Inclusive and Prosperous Local Economy", [("A2.1", "Regenerate our town centres"), ("A2.2", "Grow the visitor economy")]),
    ("A3", "Healthy and Happy Communities", [("A3.1", "Safe, affordable homes"), ("A3.2", "Leisure, culture and green space")]),
    ("A4", "A Co-operative, Kind and Responsible Council", [("A4.1", "A balanced budget"), ("A4.2", "Easy to get help, online or in person")]),
]

FIRST_FY = 2023  # actuals for small plans run from 2023/24 Q3 (8 quarters); reviews are the latest 4


def quarter_label(ordinal: int) -> str:
    """Quarter number `ordinal` counted from 2000/01 Q1, as its canonical label."""
    year, q = divmod(ordinal, 4)
    year += 2000
    return f"{year}/{(year + 1) % 100:02d} Q{q + 1}"


def _q(year: int, quarter: int) -> int:
    return (year - 2000) * 4 + quarter - 1


SMALL_QUARTERS = [quarter_label(_q(2023, 3) + i) for i in range(8)]  # 2023/24 Q3 .. 2025/26 Q2
LARGE_QUARTERS = [quarter_label(_q(2016, 1) + i) for i in range(40)]  # 2016/17 Q1 .. 2025/26 Q4


def project_code(i: int) -> str:
    return f"SP-{i:06d}"


# -- text -------------------------------------------------------------------------------------


def kpi_code(i: int) -> str:
    return f"KPI-{i:05d}"


def header(kpis: str = "") -> str:
    """The portfolio and its ambitions, then ``kpis``' text.

    The schema version is the one projtui writes, so that an export of the
    generated database is byte-identical to the generated text (run.py checks it).
    """
    out = [f"schema_version = {SCHEMA_VERSION}\n", "\n[portfolio]\n", 'name = "Synthetic portfolio (benchmarks)"\n', 'council = "Lancaster City Council"\n']
    for code, title, priorities in AMBITIONS:
        out.append(f'\n[[ambitions]]\ncode = "{code}"\ntitle = "{title}"\nplan_period = "2024-2028"\n')
        for pcode, ptitle in priorities:
            out.append(f'\n[[ambitions.priorities]]\ncode = "{pcode}"\ntitle = "{ptitle}"\n')
    return "".join(out) + kpis


class _Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.stage_pop = [s for s, w in STAGES for _ in range(w)]
        self.rag_pop = [s for s, w in RAGS for _ in range(w)]

    def person(self) -> str:
        r = self.r
        return f"{r.choice(FIRST)} {r.choice(LAST)}"

    def project(self, i: int, *, large: bool = False) -> str:
        r = self.r
        code = project_code(i)
        stage = r.choice(self.stage_pop)
        service = r.choice(SERVICES)
        name = f"{r.choice(PLACES)} {r.choice(SUBJECTS)}{r.choice(PHASES)}"
        start = 2022 + r.randrange(4)
        out = [
            f'\n[[projects]]\ncode = "{code}"\nname = "{name}"\n',
            f'summary = "{name} for the {service} service, delivered with partners across the district."\n',
            f'service = "{service}"\ndirectorate = "{r.choice(DIRECTORATES)}"\nportfolio_holder = "{r.choice(HOLDERS)}"\n',
            f'senior_responsible_owner = "Chief Officer - {r.choice(DIRECTORATES)}"\nlead = "{self.person()}"\n',
            f'stage = "{stage}"\nstart_date = {start}-{r.randrange(1, 13):02d}-01\nend_date = {start + 1 + r.randrange(3)}-03-31\n',
            f"budget_pence = {r.randrange(50, 5000) * 100_000}\n",
        ]
        # Golden thread: 2 % of pipeline projects are not linked yet; others serve 1-2 ambitions, primary first.
        if not (stage == "pipeline" and r.random() < 0.2):
            primary = r.randrange(4)
            codes = [AMBITIONS[primary][0]]
            if r.random() < 0.4:
                codes.append(AMBITIONS[(primary + 1 + r.randrange(3)) % 4][0])
            out.append("ambitions = [" + ", ".join(f'"{c}"' for c in codes) + "]\n")
        approved = stage not in ("pipeline", "initiation")
        out.append("\n[projects.benefits_review_plan]\n")
        if approved:
            out.append(f'status = "approved"\napproved_by = "Strategic Projects Board"\napproved_on = {start}-06-{r.randrange(1, 29):02d}\n')
        else:
            out.append('status = "draft"\n')
        out.append('review_schedule = "Measures reported quarterly to the Strategic Projects Board."\n')
        if large:
            out += self._large_plan()
        else:
            out += self._small_plan()
        return "".join(out)

    def _measure(self, code: str, parent: str, quarters: list[str]) -> str:
        r = self.r
        name, unit, direction, base = r.choice(MEASURES)
        baseline = round(base * (0.8 + 0.4 * r.random()), 1)
        sign = -1 if direction == "lower" else 1
        target = round(baseline * (1 + sign * (0.05 + 0.2 * r.random())), 1)
        value = baseline
        actuals = []
        for q in quarters:
            value = round(value + (target - baseline) * (r.random() - 0.2) / 4, 1)
            actuals.append(f'"{q}" = {value + 0.0}')
        lines = [
            f"\n[[projects.{parent}.measures]]\n",
            f'code = "{code}"\nname = "{name}"\nunit = "{unit}"\ndirection = "{direction}"\n',
            f'baseline = {baseline}\nbaseline_period = "{quarters[0]}"\ntarget = {target}\ntarget_period = "{quarters[-1]}"\n',
            f'frequency = "quarterly"\naggregation = "snapshot"\ntolerance = {float(r.choice((0, 5, 5, 10)))}\n',
            f'data_source = "{r.choice(SOURCES)}"\nowner = "{self.person()}"\n',
            "actuals = { " + ", ".join(actuals) + " }\n",
        ]
        if r.random() < 0.3:
            lines.append(f'provisional = ["{quarters[-1]}"]\n')
        if r.random() < 0.1:
            lines.append(f'notes = {{ "{quarters[-2]}" = "{r.choice(COMMENTARY)}" }}\n')
        return "".join(lines)

    def kpi(self, i: int) -> str:
        """A corporate KPI with eight quarters of actuals: a tenth are activity indicators (no target), a few serve no ambition."""
        r = self.r
        name, unit, direction, base = r.choice(MEASURES)
        activity = r.random() < 0.1
        out = [f'\n[[kpis]]\ncode = "{kpi_code(i)}"\nname = "{name} ({i})"\nservice = "{r.choice(SERVICES)}"\nowner = "{self.person()}"\n']
        if r.random() < 0.95:
            out.append(f'ambitions = ["{AMBITIONS[r.randrange(4)][0]}"]\n')
        baseline = round(base * (0.8 + 0.4 * r.random()), 1)
        sign = -1 if direction == "lower" else 1
        target = round(baseline * (1 + sign * (0.05 + 0.2 * r.random())), 1)
        out.append(f'unit = "{unit}"\ndirection = "{"none" if activity else direction}"\nbaseline = {baseline}\n'
                   f'baseline_period = "{SMALL_QUARTERS[0]}"\n')
        if not activity:
            out.append(f"target = {target}\n")
        out.append('frequency = "quarterly"\naggregation = "snapshot"\n')
        if not activity:
            out.append(f"tolerance = {float(r.choice((0, 5, 10)))}\n")
        value, actuals = baseline, []
        for q in SMALL_QUARTERS:
            value = round(value + (target - baseline) * (r.random() - 0.2) / 4, 1)
            actuals.append(f'"{q}" = {value + 0.0}')
        out.append("actuals = { " + ", ".join(actuals) + " }\n")
        if not activity:
            out.append(f'forecasts = {{ "{SMALL_QUARTERS[-1]}" = {target + 0.0} }}\n')
        commentary = ", ".join(f'"{q}" = "{r.choice(COMMENTARY)}"' for q in SMALL_QUARTERS[-4:] if r.random() < 0.5)
        if commentary:
            out.append(f"commentary = {{ {commentary} }}\n")
        if r.random() < 0.3:
            median = round(base, 1)
            out.append(f'\n[[kpis.benchmarks]]\nperiod = "2024/25"\nsource = "APSE family group"\nlower_quartile = {round(median * 0.9, 1)}\n'
                       f"median = {median}\nupper_quartile = {round(median * 1.1, 1)}\n")
        return "".join(out)

    def _benefit(self, code: str, measure_code: str | None, quarters: list[str]) -> str:
        r = self.r
        category = r.choice(CATEGORIES)
        out = [
            f'\n[[projects.benefits]]\ncode = "{code}"\ntitle = "{r.choice(BENEFIT_TITLES)}"\nowner = "{self.person()}"\n',
            f'category = "{category}"\nquantification = "quantitative"\nrecipient = "{r.choice(RECIPIENTS)}"\n',
            f"disbenefit = {'true' if r.random() < 0.05 else 'false'}\n",
        ]
        if category == "cash-releasing":
            out.append(f"full_year_value_pence = {r.randrange(10, 2000) * 100_000}\n")
        out.append(f'realisation_start = "{quarters[2]}"\nrealisation_end = "{quarters[-1]}"\nstatus = "{r.choice(BENEFIT_STATUSES)}"\n')
        if measure_code is not None:
            out.append(self._measure(measure_code, "benefits", quarters))
        return "".join(out)

    def _review(self, quarter: str, published: bool, year: int) -> str:
        r = self.r
        rag = r.choice(self.rag_pop)
        parts = [r.choice(self.rag_pop) for _ in range(4)]
        out = [f'\n[[projects.reviews]]\nquarter = "{quarter}"\n']
        if published:
            out.append(f'status = "published"\npublished_by = "{self.person()}"\npublished_on = {year}-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}\n')
        else:
            out.append('status = "draft"\n')
        out.append(f'rag = "{rag}"\ntime_rag = "{parts[0]}"\ncost_rag = "{parts[1]}"\nscope_rag = "{parts[2]}"\nbenefits_rag = "{parts[3]}"\n')
        out.append(f'commentary = "{r.choice(COMMENTARY)}"\nnext_steps = "{r.choice(NEXT_STEPS)}"\n')
        spend = r.randrange(1, 400) * 100_000
        out.append(f"spend_to_date_pence = {spend}\nforecast_pence = {spend + r.randrange(0, 400) * 100_000}\n")
        return "".join(out)

    def _small_plan(self) -> list[str]:
        r = self.r
        q = SMALL_QUARTERS
        out = [
            f'\n[[projects.outputs]]\ncode = "O1"\ntitle = "{r.choice(OUTPUT_TITLES)}"\nowner = "{self.person()}"\noutcomes = ["OC1"]\n',
            f'\n[[projects.outcomes]]\ncode = "OC1"\ntitle = "{r.choice(OUTCOME_TITLES)}"\nowner = "{self.person()}"\nbenefits = ["B1", "B2"]\n',
            self._benefit("B1", "M1", q),
            self._benefit("B2", "M2", q),
        ]
        for k, quarter in enumerate(q[-4:]):
            out.append(self._review(quarter, k < 3, 2024 + (k + 1) // 2))
        return out

    def _large_plan(self) -> list[str]:
        r = self.r
        q = LARGE_QUARTERS
        n = 50
        out = []
        for k in range(1, n + 1):
            links = sorted({k, 1 + (k + r.randrange(n - 1)) % n})
            out.append(
                f'\n[[projects.outputs]]\ncode = "O{k}"\ntitle = "{r.choice(OUTPUT_TITLES)} ({k})"\nowner = "{self.person()}"\n'
                "outcomes = [" + ", ".join(f'"OC{c}"' for c in links) + "]\n"
            )
        for k in range(1, n + 1):
            links = sorted({k, 1 + (k + r.randrange(n - 1)) % n})
            out.append(
                f'\n[[projects.outcomes]]\ncode = "OC{k}"\ntitle = "{r.choice(OUTCOME_TITLES)} ({k})"\nowner = "{self.person()}"\n'
                "benefits = [" + ", ".join(f'"B{c}"' for c in links) + "]\n"
            )
            out.append(self._measure(f"M{k}", "outcomes", q))
        for k in range(1, n + 1):
            out.append(self._benefit(f"B{k}", f"M{n + k}", q))
        for k, quarter in enumerate(q):
            out.append(self._review(quarter, k < len(q) - 1, 2016 + (k + 1) // 4))
        return out


def iter_chunks(n: int, *, seed: int = SEED, large: int = 0, kpis: int = 0):
    """The snapshot as text chunks: the header (with `kpis` KPIs, KPI-00001 ...), then one chunk per project (SP-000001 ...)."""
    gen = _Gen(seed)
    # KPIs come from a generator of their own, so a portfolio's projects are the same with KPIs or without.
    kpi_gen = _Gen(seed + 1)
    yield header("".join(kpi_gen.kpi(i) for i in range(1, kpis + 1)))
    for i in range(1, n + 1):
        yield gen.project(i, large=i <= large)


def generate(n: int, seed: int = SEED, *, large: int = 0, kpis: int = 0) -> str:
    """A snapshot with `n` projects, the first `large` of them with a large plan, and `kpis` corporate KPIs."""
    return "".join(iter_chunks(n, seed=seed, large=large, kpis=kpis))


def large_plan_project(seed: int = SEED) -> str:
    """A one-project snapshot whose project (SP-000001) has the large plan."""
    return generate(1, seed, large=1)


def write(path: Path, n: int, *, seed: int = SEED, large: int = 0, kpis: int = 0) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        for chunk in iter_chunks(n, seed=seed, large=large, kpis=kpis):
            out.write(chunk)


def check(sizes=(1, 25, 300), seed: int = SEED) -> None:
    """Generated text validates with projtui's reader and is exactly what projtui's writer would write."""
    from projtui.snapshot import document as projtui_document
    from projtui.snapshot.reader import read_document
    from projtui.snapshot.writer import dump_document

    assert SCHEMA_VERSION == projtui_document.SCHEMA_VERSION, "the generator writes another schema version than projtui exports"
    for n, large, kpis in [(size, 0, 0) for size in sizes] + [(3, 1, 0), (30, 0, 30)]:
        text = generate(n, seed, large=large, kpis=kpis)
        document = read_document(text, source=f"generated-{n}")
        assert len(document.projects) == n and len(document.kpis) == kpis
        again = dump_document(document)
        if again != text:
            import difflib

            diff = "".join(list(difflib.unified_diff(text.splitlines(True), again.splitlines(True), "generated", "dump_document"))[:60])
            raise AssertionError(f"generated text for n={n} is not in the writer's canonical layout:\n{diff}")
        assert generate(n, seed, large=large, kpis=kpis) == text, "not deterministic"
        if large:
            big = document.projects[0]
            measures = sum(len(x.measures) for x in (*big.outcomes, *big.benefits))
            assert (len(big.outputs), len(big.outcomes), len(big.benefits), measures, len(big.reviews)) == (50, 50, 50, 100, 40)
            assert all(len(m.actuals) == 40 for x in (*big.outcomes, *big.benefits) for m in x.measures)
        print(f"ok: n={n} large={large} kpis={kpis}: {len(text):,} bytes, validates and round-trips byte-identical")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", help="number of projects")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--large", type=int, default=0, help="how many projects (the first) get the large plan")
    parser.add_argument("--kpis", type=int, default=0, help="how many corporate KPIs (e.g. one per 10 projects)")
    parser.add_argument("--check", action="store_true", help="self-test against projtui's reader and writer")
    args = parser.parse_args(argv)
    if args.check:
        check(seed=args.seed)
        return 0
    if args.n is None:
        parser.error("give the number of projects (or --check)")
    started = time.perf_counter()
    if args.output:
        write(args.output, args.n, seed=args.seed, large=args.large, kpis=args.kpis)
        print(f"wrote {args.output} ({args.n:,} projects) in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    else:
        for chunk in iter_chunks(args.n, seed=args.seed, large=args.large, kpis=args.kpis):
            sys.stdout.write(chunk)
    return 0


if __name__ == "__main__":
    sys.exit(main())
