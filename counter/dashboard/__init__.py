"""The supervisor's dashboard page: the office's queue and dossier figures over a period,
with charts, CSV/PDF export and the printed A4 report (supervisors and administrators)."""
