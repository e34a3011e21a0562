"""Office operations: one transaction each (the caller owns it), plain data back.

Every operation takes a ``Session`` opened by ``Database.write()`` and an ``Actor``, does
its change, writes its outbox and audit rows through ``local_db.journal.record`` in the same
transaction, and returns a frozen dataclass. It never commits. ``now`` is a parameter
(aware, defaults to the clock) so history can be replayed and tests can fix the time.
"""
