"""The counter's dossier intake wizard (model.py Qt-free, view.py the screen)."""
