"""The pricing use cases: authoring (one transaction each, with the change log and the outbox
event), evaluation over the in-memory rule book, and the handlers' effects of consumed events."""
