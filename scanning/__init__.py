"""Where a dossier's pages come from (a SANE scanner, a watched folder, a chosen file) and how
the pages of one checklist item become one PDF. Qt-free: the screens call these."""
