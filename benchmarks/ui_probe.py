"""One UI measurement in this process: run projtui or the bare app and note when things reach the screen.

Started by run.py, one process per run (start-up and memory) or per
measurement (filter, open), and writes its figures as JSON to --out.

"Reached the screen" means: the first frame Textual composited and handed
to the driver after the state asked for was true. The probe wraps
`App._display` (called once per frame with the compositor's update, in a
real terminal and headless alike) and checks its predicates after each
frame that drew something; the clock is `time.monotonic()`, which is
system-wide, so run.py can compare it with the moment it started the
process.

    startup   real terminal (run inside a tmux pane by run.py), or --headless:
              process start -> first frame with rows in the table; RSS then,
              and again after --settle seconds; then exits.
    filter    headless: focus the filter, then one keystroke -> first frame
              with the table filtered (and -> first frame echoing the key in
              the Input); repeated; then the same with projtui's filter
              debounce at 0; then a typing burst (keys every --interval
              seconds, debounce 0) for the worst echo latency.
    sort      headless, projtui only: each column's sort key (1, 2, …) ->
              first frame with the table in that order, then the same key
              again (reversed); and, as the yardstick, the filter keystroke
              measured the same way in the same process.
    open      headless, projtui only: push ProjectScreen(code, tab="plan")
              -> first frame with its plan tab filled; small and large
              plans alternately.
"""

from __future__ import annotations

import time

T_PROBE = time.monotonic()  # before the heavy imports

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SIZE = (120, 40)


def rss_kb() -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of this process, in KiB."""
    out = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])
    return out


def write_json(path: str, data: dict) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w") as out:
        json.dump(data, out)
    os.replace(tmp, path)


# -- watching frames ---------------------------------------------------------------------------------


class FrameWatch:
    """Calls back, with the frame's time, at the first frame drawn after a predicate holds."""

    def __init__(self) -> None:
        self.waiters: list[tuple[Callable, Callable]] = []
        self.frames = 0
        self.first_frame: float | None = None

    def install(self) -> None:
        from textual.app import App

        original = App._display
        watch = self

        def _display(app, screen, renderable):
            original(app, screen, renderable)
            if renderable is not None and not app._batch_count:
                watch.frames += 1
                if watch.first_frame is None:
                    watch.first_frame = time.monotonic()
                if watch.waiters:
                    watch._check(app, time.monotonic())

        App._display = _display

    def _check(self, app, now: float) -> None:
        for item in list(self.waiters):
            predicate, callback = item
            try:
                ok = predicate(app)
            except Exception:  # noqa: BLE001 - screen not there yet, and the like
                ok = False
            if ok:
                self.waiters.remove(item)
                callback(app, now)

    def on(self, predicate: Callable, callback: Callable) -> None:
        self.waiters.append((predicate, callback))

    def future(self, predicate: Callable, what: str = "", timeout: float = 120.0) -> asyncio.Future:
        """Resolves to the frame time; fails with TimeoutError after `timeout` seconds."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.on(predicate, lambda _app, now: future.done() or future.set_result(now))

        def expire() -> None:
            if not future.done():
                future.set_exception(TimeoutError(f"no frame showed {what or predicate} within {timeout}s"))

        loop.call_later(timeout, expire)
        return future


WATCH = FrameWatch()


# -- what each app shows --------------------------------------------------------------------------


def projtui_table(app):
    from projtui.ui.widgets.project_table import ProjectTable

    return app.screen.query_one("#projects", ProjectTable)


def has_rows(kind: str) -> Callable:
    if kind == "projtui":

        def ready(app) -> bool:
            table = projtui_table(app)
            return table.is_loaded and table.shown > 0 and table.row_at(0) is not None

    else:

        def ready(app) -> bool:
            from textual.widgets import DataTable

            return app.query_one(DataTable).row_count > 0

    return ready


def filtered(kind: str, text: str) -> Callable:
    if kind == "projtui":

        def done(app) -> bool:
            table = projtui_table(app)
            return table.is_loaded and table.project_query.text == text

    else:

        def done(app) -> bool:
            return app.applied_filter == text

    return done


def echoed(text: str) -> Callable:
    """The filter Input shows `text`, or more typed after it (two keys may land in one frame)."""

    def done(app) -> bool:
        return app.screen.query_one("#filter").value.startswith(text)

    return done


def make_app(kind: str, db_path: str | None):
    if kind == "bare":
        from bare_app import BareApp

        return BareApp()
    from projtui.config import Settings
    from projtui.services.opening import open_portfolio
    from projtui.ui.app import ProjtuiApp

    return ProjtuiApp(open_portfolio(database_url(db_path)), Settings(user="bench"))


def database_url(db: str) -> str:
    """--db as a URL: a SQLite file's path, or a database URL as it is (benchmarks/postgres.py's)."""
    return db if "://" in db else f"sqlite:///{db}"


def send_key(app, key: str) -> None:
    """As Pilot.press sends a key, without waiting for anything afterwards."""
    from textual import events

    char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


# Workers settle does not wait for: live refresh (ui/live_refresh.py) starts a look every 2 s for as long
# as the app runs, so "every worker done" could take forever to come, and its looks draw nothing.
NEVER_SETTLED = frozenset({"app-changes"})
SETTLE_TIMEOUT = 30.0  # seconds one round waits for the workers running at its start


async def settle(pilot, rounds: int = 3) -> None:
    """Until the workers running now (bar NEVER_SETTLED) are done, `rounds` times: work they start is waited for too.

    Waits only for the workers it saw start, never for all the app's, and at
    most SETTLE_TIMEOUT a round: a worker that hangs is named on stderr and
    the probe goes on rather than waiting for ever.
    """
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause(0.05)
        pending = [w for w in app.workers if w.group not in NEVER_SETTLED and not w.is_finished]
        if not pending:
            continue
        try:
            await asyncio.wait_for(app.workers.wait_for_complete(pending), SETTLE_TIMEOUT)
        except asyncio.TimeoutError:
            names = ", ".join(sorted({f"{w.group}/{w.name}" for w in pending if not w.is_finished}))
            print(f"ui_probe: workers still running after {SETTLE_TIMEOUT:.0f} s, not waited for: {names}", file=sys.stderr)
    await pilot.pause()


# -- start-up and memory ------------------------------------------------------------------------------


def startup(args) -> None:
    WATCH.install()
    result: dict = {"t_probe": T_PROBE, "pid": os.getpid()}

    def ready(app, now: float) -> None:
        result.update(t_ready=now, t_first_frame=WATCH.first_frame, rss_ready=rss_kb(), frames=WATCH.frames)
        write_json(args.out + ".ready", result)

        def finish() -> None:
            result.update(rss_settled=rss_kb())
            write_json(args.out, result)
            app.exit()

        app.set_timer(args.settle, finish)

    WATCH.on(has_rows(args.app), ready)
    if args.headless:
        make_app(args.app, args.db).run(headless=True, size=SIZE)
    elif args.app == "projtui":
        from projtui.entry import main

        main(["--database-url", database_url(args.db)])
    else:
        from bare_app import BareApp

        BareApp().run()


# -- filter ------------------------------------------------------------------------------------------------


async def filter_run(args) -> None:
    WATCH.install()
    app = make_app(args.app, args.db)
    portfolio = None
    out: dict = {"keystroke": [], "echo": [], "keystroke_no_debounce": [], "echo_no_debounce": [], "burst": {}}
    async with app.run_test(size=SIZE) as pilot:
        await WATCH.future(has_rows(args.app))
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        if args.app == "projtui":
            import projtui.ui.screens.portfolio as portfolio

            out["debounce"] = portfolio.FILTER_DELAY

        async def one(key: str, record: str) -> None:
            echo = WATCH.future(echoed(key), f"echo of {key!r}")
            done = WATCH.future(filtered(args.app, key), f"table filtered by {key!r}")
            t0 = time.monotonic()
            send_key(app, key)
            out[f"echo{record}"].append(await echo - t0)
            out[f"keystroke{record}"].append(await done - t0)
            await settle(pilot)
            back = WATCH.future(filtered(args.app, ""), "table unfiltered")
            send_key(app, "backspace")
            await back
            await settle(pilot)

        for _ in range(args.repeat):
            await one(args.key, "")
        if portfolio is not None:
            portfolio.FILTER_DELAY = 0.001  # "off" (a 0 s timer divides by zero in Textual)
        for _ in range(args.repeat):
            await one(args.key, "_no_debounce")

        # Bursts of typing, every keystroke starting a query: does any keystroke wait for one?
        word, echoes, last = args.word, [], []
        for _ in range(args.repeat):
            futures = [WATCH.future(echoed(word[:i]), f"echo of {word[:i]!r}") for i in range(1, len(word) + 1)]
            done = WATCH.future(filtered(args.app, word), f"table filtered by {word!r}")
            t_keys = []
            for ch in word:
                t_keys.append(time.monotonic())
                send_key(app, ch)
                await asyncio.sleep(args.interval)
            for t_key, future in zip(t_keys, futures):
                echoes.append(await future - t_key)
            last.append(await done - t_keys[-1])
            await settle(pilot)
            cleared = WATCH.future(filtered(args.app, ""), "table unfiltered")
            for _ in word:
                send_key(app, "backspace")
            await cleared
            await settle(pilot)
        out["burst"] = {"word": word, "interval": args.interval, "echo": echoes, "last_key_to_table": last}
        await settle(pilot)
        app.exit()
    write_json(args.out, out)


# -- sorting ------------------------------------------------------------------------------------------------


def sorted_by(key, descending: bool) -> Callable:
    def done(app) -> bool:
        table = projtui_table(app)
        return table.is_loaded and table.project_query.sort == key and table.project_query.descending == descending

    return done


async def sort_run(args) -> None:
    WATCH.install()
    app = make_app("projtui", args.db)
    from projtui.ui.widgets.project_columns import COLUMNS

    keys = [column.sort for column in COLUMNS if column.sort is not None]
    out: dict = {"filter": [], "sort": {key.value: [] for key in keys}, "reverse": {key.value: [] for key in keys}}
    async with app.run_test(size=SIZE) as pilot:
        await WATCH.future(has_rows("projtui"))
        await settle(pilot)

        async def timed(press: str, until: Callable) -> float:
            done = WATCH.future(until)
            t0 = time.monotonic()
            send_key(app, press)
            elapsed = await done - t0
            await settle(pilot)
            return elapsed

        # The table opens sorted by the first column, where its key would reverse it: that one goes last.
        order = [*enumerate(keys, 1)][1:] + [(1, keys[0])]
        for _ in range(args.repeat):
            for number, key in order:
                out["sort"][key.value].append(await timed(str(number), sorted_by(key, False)))
                out["reverse"][key.value].append(await timed(str(number), sorted_by(key, True)))
            await pilot.press("slash")
            await settle(pilot)
            out["filter"].append(await timed(args.key, filtered("projtui", args.key)))
            await timed("backspace", filtered("projtui", ""))
            await pilot.press("escape")
            await settle(pilot)
        app.exit()
    write_json(args.out, out)


# -- opening a project -------------------------------------------------------------------------------------


async def open_run(args) -> None:
    WATCH.install()
    app = make_app("projtui", args.db)
    from projtui.ui.screens.project import ProjectScreen
    from projtui.ui.widgets.plan_editor import PlanEditor

    def plan_shown(code: str) -> Callable:
        def done(app) -> bool:
            screen = app.screen
            if not isinstance(screen, ProjectScreen) or screen.data is None or screen.data.detail.code != code:
                return False
            editor = screen.query_one(PlanEditor)
            return editor.plan is not None and editor.items_tree.root.children != []

        return done

    out: dict = {"small": [], "large": [], "small_code": args.small, "large_code": args.large}
    async with app.run_test(size=SIZE) as pilot:
        await WATCH.future(has_rows("projtui"))
        await settle(pilot)

        async def one(code: str) -> float:
            shown = WATCH.future(plan_shown(code))
            t0 = time.monotonic()
            app.push_screen(ProjectScreen(code, tab="plan"))
            elapsed = await shown - t0
            await settle(pilot)
            app.pop_screen()
            await settle(pilot)
            return elapsed

        await one(args.small)  # warm-up: first use imports the project screen's modules
        await one(args.large)
        for i in range(args.repeat):
            for which in (("small", "large") if i % 2 == 0 else ("large", "small")):
                out[which].append(await one(getattr(args, which)))
        app.exit()
    write_json(args.out, out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("measure", choices=("startup", "filter", "sort", "open"))
    parser.add_argument("--app", choices=("projtui", "bare"), default="projtui")
    parser.add_argument("--db")
    parser.add_argument("--out", required=True)
    parser.add_argument("--headless", action="store_true")
    parser.add_argument("--settle", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--key", default="w")
    parser.add_argument("--word", default="morecambe")
    parser.add_argument("--interval", type=float, default=0.05)
    parser.add_argument("--small", default="SP-000002")
    parser.add_argument("--large", default="SP-000001")
    args = parser.parse_args()
    if args.measure == "startup":
        startup(args)
    elif args.measure == "filter":
        asyncio.run(filter_run(args))
    elif args.measure == "sort":
        asyncio.run(sort_run(args))
    else:
        asyncio.run(open_run(args))


if __name__ == "__main__":
    main()
