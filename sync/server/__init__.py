"""The city's central server (docs/ARCHITECTURE.md §1, §5): FastAPI over its own database.

It receives every office's operations (push), keeps a projection of each office entity,
and publishes what the centre owns (catalog, staff, holidays, device keys, online bookings,
central dossier moves) through a commit-ordered change log that offices pull.

It never imports local_db: the centre is not an office, and its schema (its own
DeclarativeBase, its own Alembic history in ``migrations/`` with the version table
``centre_alembic_version``) evolves on its own. The wire contract is sync/protocol.py.

Modules: settings (where the database is, limits), models (tables), database (engine,
sessions, the per-office lock), migrate (Alembic), auth (enrollment and credentials),
changelog (the pull side: commit order, compaction), projection (the centre's copy of each
office entity, read and written in bulk), apply (the push side: idempotency, ownership,
held ops, resolving), bookings (slots, the two quotas, online bookings), dossiers (office
moves judged by from_state, central moves), blobs (attachments), keys (the centre's signing
key), catalog (publishing the catalog, holidays, staff), admin (the IT person's
commands), app (HTTP).
"""
