"""The contacts service: leads, customers, contact persons, customer groups, duplicates and
merges, record-level access, CSV import and purchase history (from sales events).

Layers: `api` (gRPC) and `events` (consumer handlers) call `application` (use cases, one
transaction each), which uses `domain` (pure rules) and `adapters` (SQLAlchemy). `bootstrap`
wires them.
"""
