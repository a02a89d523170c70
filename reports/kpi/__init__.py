"""The KPI report for Quality Control (MANDATE.md 2.5.3.1-2.5.3.4, 2.5.4.4): per agency, service centre, staff
member and service, from the engine's history. `source` reads the history into `cases`; `figures` computes the
`report` (pure); `output`, `charts` and `page` write the terminal table, CSV, PNG and HTML, in the words of
`texts`; `command` is `python -m reports kpi`."""
