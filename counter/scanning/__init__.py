"""The counter's digitisation screens: the scan dialog of one checklist item (dialog.py), its
sources (sources.py), the page strip (strip.py), the PDF preview (preview.py), and the
Qt-free work they run on the TaskRunner (work.py)."""
