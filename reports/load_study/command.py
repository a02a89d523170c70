"""`python -m reports load-study`: simulate citizen traffic at the service centres; queues, waits, SLA breaches
and the staff each centre needs."""

import argparse
import os
from datetime import date

from catalog.loader import load_catalog, load_complaint_rules, load_service_centres
from catalog.model import ServiceCentre
from reports.cli import add_engine_options, reports_client, since_date
from reports.load_study.flows import STAFF_TASKS, WALK_IN_START
from reports.load_study.history import Measured, measured_handling
from reports.load_study.model import LoadModel, load_model
from reports.load_study.output import as_text, centre_figures, flow_counts, service_figures, write_chart, write_csv
from reports.load_study.study import Study, run_study

HELP = "simulate citizen traffic at the service centres: queues, waits, SLA breaches, staff needed"


def share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"a share between 0 and 1, not {text}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start", type=date.fromisoformat, default=date(2027, 2, 1),
                        help="first day simulated (default 2027-02-01, a fortnight with Tsagaan Sar)")
    parser.add_argument("--days", type=int, default=14, help="days of arrivals (requests then run to their end)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same figures")
    parser.add_argument("--scale", type=float, default=1.0, help="demand multiplier: 1.2 = 20%% more citizens")
    parser.add_argument("--centres", help="comma-separated centre ids (default: all 30)")
    parser.add_argument("--breach-target", type=share, default=0.05,
                        help="largest share of staff-served requests a centre's queues may push past the SLA")
    parser.add_argument("--max-staff", type=int, default=40, help="staff count taken as unlimited")
    parser.add_argument("--from-history", action="store_true",
                        help="handling times of user tasks measured from the engine's history")
    parser.add_argument("--since", type=since_date, help="with --from-history: tasks finished on or after")
    parser.add_argument("--min-samples", type=int, default=5, help="with --from-history: fewest tasks to use a figure")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes simulating centres")
    add_engine_options(parser, out=".cache/load-study")


def chosen_centres(all_centres: list[ServiceCentre], wanted: str | None) -> list[ServiceCentre]:
    if not wanted:
        return all_centres
    ids = [part.strip() for part in wanted.split(",") if part.strip()]
    unknown = sorted(set(ids) - {c.id for c in all_centres})
    if unknown:
        raise SystemExit(f"load-study: unknown centres {', '.join(unknown)} (see catalog/service_centres.yaml)")
    return [c for c in all_centres if c.id in ids]


def describe(found: dict[str, Measured]) -> str:
    lines = [f"  {m.element}: {m.mean_minutes:.1f} min (cv {m.cv:.2f}, {m.samples} tasks, "
             f"{'from the claim' if m.from_claim else 'from creation, queue time included'})" for m in found.values()]
    return "\n".join(lines) or "  none with enough finished tasks; the catalogue's figures stay"


async def handling_from_history(args: argparse.Namespace, model: LoadModel) -> LoadModel:
    keys = [key for key in STAFF_TASKS if key != WALK_IN_START]  # the start form leaves no task behind
    async with reports_client(args) as engine:
        found = await measured_handling(engine, keys, args.since, args.min_samples)
    print(f"Handling times from the engine's history:\n{describe(found)}\n")
    return model.with_handling({key: m.lognormal() for key, m in found.items()})


async def run(args: argparse.Namespace) -> None:
    catalog, centres = load_catalog(), load_service_centres()
    model = load_model(catalog, centres)
    if args.from_history:
        model = await handling_from_history(args, model)
    study = Study.over_days(model, catalog.services, chosen_centres(centres.service_centres, args.centres),
                            load_complaint_rules().calendar, args.start, args.days, args.seed, args.scale)
    results = run_study(study, args.breach_target, args.max_staff, args.jobs)
    centre_rows = [centre_figures(r) for r in results]
    service_rows = service_figures(results, catalog.services)
    print(as_text(centre_rows, service_rows, args.breach_target))
    chart = write_chart(results, service_rows, catalog.services, study.calendar, study.last, args.breach_target,
                        args.out / "load-study.png")
    for path in (*write_csv(centre_rows, service_rows, flow_counts(results), args.out), chart):
        print(f"wrote {path}")
