"""The counter's dossiers page: find a dossier, see its history, move it on (model.py is Qt-free)."""
