"""Pure identity rules of the gateway: roles, the password policy, access-token claims and
the manager hierarchy. No Flask, SQLAlchemy or gRPC here; unit-tested without I/O."""
