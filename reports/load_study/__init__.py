"""The load study of the unified service centres (MANDATE.md 2.5.1.4): a discrete-event simulation (SimPy) of
citizen traffic through PublicServiceRequestProcess, per centre, with catalog/load.yaml's figures.

`python -m reports load-study` (command.py) runs it; the modules, in the order the data flows:
model (catalog/load.yaml) → calendar (opening hours, Mongolian working days) → arrivals (who comes when) →
behaviour (what each citizen, agency and staff member will do) → simulation (one centre's queues and flows)
→ staffing (the fewest staff that keep breaches under a target) → output (table, CSV, chart).
"""
