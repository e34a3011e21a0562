"""The counter's queue panel: the number at the desk, who waits, and the keys that call,
recall, serve, finish, mark absent and transfer (model.py Qt-free, view.py the page)."""
