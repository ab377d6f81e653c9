"""The CRM platform's API gateway: authentication (argon2id passwords, JWT access tokens,
rotating refresh tokens), users/teams/roles and the manager hierarchy, and REST over the
services' gRPC APIs. Start with gateway.app.create_app."""
