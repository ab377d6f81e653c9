"""The application factory: the one place that reads settings, builds the adapters and use
cases, and wires the blueprints. Tests call it with a temporary database and a contacts
service on a free port; gunicorn calls it through gateway.wsgi."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from chassis.background import BackgroundLoop
from chassis.db import Database
from chassis.events import OutboxRelay
from chassis.observability import configure_logging, configure_tracing
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway.adapters.tables import event_tables
from gateway.auth.active_users import ActiveUsers
from gateway.auth.guard import install_guard
from gateway.auth.jwt_tokens import AccessTokenCodec
from gateway.auth.passwords import PasswordHashing
from gateway.auth.service import TokenService
from gateway.clients import connect_backends
from gateway.context import EXTENSION, Services
from gateway.idempotency import IdempotencyStore
from gateway.identity.service import IdentityService
from gateway.observability import install_metrics, ops
from gateway.problems import register_error_handlers
from gateway.ratelimit import RateLimiter, make_counter_store
from gateway.settings import GatewaySettings

log = logging.getLogger(__name__)


def build_identity(settings: GatewaySettings, database: Database) -> IdentityService:
    """The identity use cases alone (the CLI needs them without an app)."""
    return IdentityService(database, event_tables, password_hashing(settings))


def password_hashing(settings: GatewaySettings) -> PasswordHashing:
    return PasswordHashing(settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)


def create_app(
    settings: GatewaySettings | None = None,
    *,
    contacts_client: Any = None,
    pricing_client: Any = None,
    approvals_client: Any = None,
    activities_client: Any = None,
    sales_docs_client: Any = None,
    service_desk_client: Any = None,
) -> Flask:
    """The gateway as a Flask app. Each `<service>_client` replaces the channel to that service's
    `<SERVICE>_TARGET` (a ServiceClient or a stub; see gateway.clients.BACKENDS); the app closes
    only what it opened itself."""
    settings = settings or GatewaySettings()
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    configure_tracing(settings.service_name, settings.otel_exporter_otlp_endpoint)
    database = Database(settings.resolved_database_url())
    hashing = password_hashing(settings)
    codec = AccessTokenCodec(
        secret=settings.signing_secret(),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=timedelta(seconds=settings.access_token_ttl_seconds),
    )
    stubs, closers = connect_backends(
        settings,
        {
            "contacts": contacts_client,
            "pricing": pricing_client,
            "approvals": approvals_client,
            "activities": activities_client,
            "sales_docs": sales_docs_client,
            "service_desk": service_desk_client,
        },
    )
    active_users = ActiveUsers(database, settings.active_user_cache_seconds)
    services = Services(
        settings=settings,
        database=database,
        tokens=TokenService(
            database,
            codec,
            hashing,
            timedelta(seconds=settings.refresh_token_ttl_seconds),
            active_users,
        ),
        identity=IdentityService(database, event_tables, hashing, user_deactivated=active_users.forget),
        limiter=RateLimiter(make_counter_store(database, settings.redis_url)),
        idempotency=IdempotencyStore(
            database,
            ttl=timedelta(seconds=settings.idempotency_ttl_seconds),
            lock_timeout=timedelta(seconds=settings.idempotency_lock_seconds),
        ),
        contacts=stubs["contacts"],
        pricing=stubs["pricing"],
        approvals=stubs["approvals"],
        activities=stubs["activities"],
        sales_docs=stubs["sales_docs"],
        service_desk=stubs["service_desk"],
        closers=closers,
    )

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.import_max_bytes + 256 * 1024
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if settings.trusted_proxy_count:
        proxied = ProxyFix(
            app.wsgi_app, x_for=settings.trusted_proxy_count, x_proto=settings.trusted_proxy_count
        )
        app.wsgi_app = proxied  # type: ignore[method-assign]
    app.extensions[EXTENSION] = services
    _register(app)

    if (
        settings.admin_email
        and settings.admin_password
        and services.identity.ensure_admin(settings.admin_email, settings.admin_password)
    ):
        log.info("created the first admin %s", settings.admin_email)
    if settings.events_enabled:
        # Identity events leave through the outbox; with several gunicorn workers the relay's
        # database lock lets exactly one of them publish.
        relay = OutboxRelay(
            database,
            event_tables,
            settings.nats_url,
            service=settings.service_name,
            poll_seconds=settings.outbox_poll_seconds,
            batch_size=settings.outbox_batch_size,
        )
        database.add_commit_listener(relay.wake)
        events = BackgroundLoop("gateway-events", [relay.run])
        events.start()
        services.readiness.append(lambda: (events.alive(), "events"))
        services.closers.insert(0, events.stop)
    services.closers.append(database.dispose)
    return app


def _register(app: Flask) -> None:
    from gateway.api import contact_persons, customers, imports, leads, pricing, pricing_rules, public_forms
    from gateway.auth import views as auth_views
    from gateway.identity import views as identity_views
    from gateway.openapi import blueprint as openapi_blueprint

    register_error_handlers(app)
    install_metrics(app)
    for module in (auth_views, identity_views, leads, customers, contact_persons, imports, public_forms):
        app.register_blueprint(module.api.blueprint)
    for module in (pricing, pricing_rules):
        app.register_blueprint(module.api.blueprint)
    from gateway.api.approval_links import blueprint as approval_links_blueprint
    from gateway.api.approvals import api as approvals_api

    app.register_blueprint(approvals_api.blueprint)
    app.register_blueprint(approval_links_blueprint)
    from gateway.api.activities import api as activities_api
    from gateway.api.activities_mail import api as activities_mail_api
    from gateway.api.activity_feeds import api as activity_feeds_api

    app.register_blueprint(activities_api.blueprint)
    app.register_blueprint(activity_feeds_api.blueprint)
    app.register_blueprint(activities_mail_api.blueprint)
    from gateway.api import sales, sales_billing, sales_drafts

    for module in (sales, sales_billing, sales_drafts):
        app.register_blueprint(module.api.blueprint)
    from gateway.api import service_desk, service_desk_contracts, service_desk_setup, survey_links

    for module in (service_desk, service_desk_setup, service_desk_contracts):
        app.register_blueprint(module.api.blueprint)
    app.register_blueprint(survey_links.blueprint)
    app.register_blueprint(openapi_blueprint)
    app.register_blueprint(ops)
    install_guard(app)


def shutdown_app(app: Flask) -> None:
    """Stops the event relay, closes the gRPC channel and the database pools."""
    services: Services = app.extensions[EXTENSION]
    for close in services.closers:
        try:
            close()
        except Exception:
            log.exception("error while shutting down")
    services.closers.clear()
