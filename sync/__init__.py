"""The sync agent (push the outbox, pull changes) and the central server (sync/server/)."""
