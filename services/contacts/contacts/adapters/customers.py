"""The customer repository: customers with their addresses and group memberships, record-
level filtering in SQL, and the lookups duplicate detection needs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from chassis.identity import Caller
from chassis.money import Money
from sqlalchemy import ColumnElement, Select, bindparam, delete, exists, insert, or_, select, update
from sqlalchemy.orm import Session

from contacts.adapters.paging import Page, PageRequest, keyset_page
from contacts.adapters.rows import (
    Row,
    audit_from_row,
    audit_values,
    like_pattern,
    update_versioned,
    visible_to,
)
from contacts.adapters.tables import customer_addresses, customer_group_members, customers
from contacts.domain.contact_points import try_normalise_phone
from contacts.domain.duplicates import DuplicateProbe, normalise_name
from contacts.domain.model import (
    Address,
    AddressKind,
    Customer,
    CustomerKind,
    CustomerProfile,
    PaymentMethod,
    SalesConditions,
)


@dataclass(frozen=True)
class CustomerFilter:
    query: str = ""
    customer_group_id: str = ""
    owner_id: str = ""
    kind: CustomerKind | None = None
    province: str = ""


def _values(customer: Customer) -> dict[str, Any]:
    p = customer.profile
    s = p.sales_conditions
    return {
        "kind": p.kind.value,
        "name": p.name,
        "name_en": p.name_en,
        "name_key": normalise_name(p.name)[:255],
        "tax_id": p.tax_id,
        "branch_code": p.branch_code,
        "email": p.email,
        "phone": p.phone,
        "website": p.website,
        "anniversary_date": p.anniversary_date,
        "preferred_language": p.preferred_language,
        "credit_term_days": s.credit_term_days,
        "credit_limit": s.credit_limit.amount if s.credit_limit else None,
        "credit_limit_currency": s.credit_limit.currency if s.credit_limit else None,
        "price_list_id": s.price_list_id,
        "default_discount_percent": s.default_discount_percent,
        "payment_method": s.payment_method.value if s.payment_method else "",
        "owner_id": customer.owner_id,
        "team_id": customer.team_id,
        "merged_into_id": customer.merged_into_id or None,
        **audit_values(customer.audit),
    }


def _customer(row: Row, addresses: Sequence[Address], group_ids: Sequence[str]) -> Customer:
    limit = row["credit_limit"]
    return Customer(
        id=row["id"],
        profile=CustomerProfile(
            kind=CustomerKind(row["kind"]),
            name=row["name"],
            name_en=row["name_en"],
            tax_id=row["tax_id"],
            branch_code=row["branch_code"],
            email=row["email"],
            phone=row["phone"],
            website=row["website"],
            customer_group_ids=tuple(group_ids),
            addresses=tuple(addresses),
            sales_conditions=SalesConditions(
                credit_term_days=row["credit_term_days"],
                credit_limit=Money(limit, row["credit_limit_currency"] or "THB")
                if limit is not None
                else None,
                price_list_id=row["price_list_id"],
                default_discount_percent=row["default_discount_percent"],
                payment_method=PaymentMethod(row["payment_method"]) if row["payment_method"] else None,
            ),
            anniversary_date=row["anniversary_date"],
            preferred_language=row["preferred_language"],
        ),
        owner_id=row["owner_id"],
        team_id=row["team_id"],
        merged_into_id=row["merged_into_id"] or "",
        audit=audit_from_row(row),
    )


def _joined_address(row: Row) -> Address:
    """An address from a customer row joined with its addresses (see _WITH_ADDRESSES)."""
    return _address({key[len(_ADDRESS_PREFIX) :]: row[key] for key in _ADDRESS_KEYS})


def _address(row: Row) -> Address:
    return Address(
        id=row["id"],
        kind=AddressKind(row["kind"]),
        house_no=row["house_no"],
        sub_district=row["sub_district"],
        district=row["district"],
        province=row["province"],
        postcode=row["postcode"],
        country_code=row["country_code"],
        is_default=bool(row["is_default"]),
    )


# Built once (per-call select() construction and coercion cost more than the SQL on SQLite);
# only bind values change per call. "ids" is an expanding IN parameter.
_BY_ID = select(customers).where(customers.c.id == bindparam("id"))
_BY_ID_FOR_UPDATE = _BY_ID.with_for_update()
_ADDRESSES = select(customer_addresses).order_by(
    customer_addresses.c.customer_id, customer_addresses.c.position
)
_GROUPS = select(customer_group_members.c.customer_id, customer_group_members.c.group_id).order_by(
    customer_group_members.c.customer_id, customer_group_members.c.position
)
_ADDRESSES_OF_ONE = _ADDRESSES.where(customer_addresses.c.customer_id == bindparam("id"))
_ADDRESSES_OF = _ADDRESSES.where(customer_addresses.c.customer_id.in_(bindparam("ids", expanding=True)))
_GROUPS_OF_ONE = _GROUPS.where(customer_group_members.c.customer_id == bindparam("id"))
_GROUPS_OF = _GROUPS.where(customer_group_members.c.customer_id.in_(bindparam("ids", expanding=True)))
# A plain read of one customer: its row and its addresses in one statement (one row per
# address; address columns prefixed "address_"), then its groups.
_ADDRESS_PREFIX = "address_"
_ADDRESS_KEYS = tuple(_ADDRESS_PREFIX + column.name for column in customer_addresses.c)
_WITH_ADDRESSES = (
    select(customers, *(column.label(_ADDRESS_PREFIX + column.name) for column in customer_addresses.c))
    .select_from(customers.outerjoin(customer_addresses, customer_addresses.c.customer_id == customers.c.id))
    .where(customers.c.id == bindparam("id"))
    .order_by(customer_addresses.c.position)
)


class CustomerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- loading -------------------------------------------------------------------------------

    def _assemble(self, rows: Sequence[Row]) -> list[Customer]:
        ids = [row["id"] for row in rows]
        if not ids:
            return []
        # Core statements on the session's connection: the same transaction, without the ORM
        # execute path (these are plain table selects).
        connection = self.session.connection()
        one = len(ids) == 1  # GetCustomer: no IN-list expansion
        addresses: dict[str, list[Address]] = defaultdict(list)
        address_rows = (
            connection.execute(_ADDRESSES_OF_ONE, {"id": ids[0]})
            if one
            else connection.execute(_ADDRESSES_OF, {"ids": ids})
        )
        for row in address_rows.mappings():
            addresses[row["customer_id"]].append(_address(row))
        groups: dict[str, list[str]] = defaultdict(list)
        group_rows = (
            connection.execute(_GROUPS_OF_ONE, {"id": ids[0]})
            if one
            else connection.execute(_GROUPS_OF, {"ids": ids})
        )
        for customer_id, group_id in group_rows:
            groups[customer_id].append(group_id)
        return [_customer(row, addresses[row["id"]], groups[row["id"]]) for row in rows]

    def get(self, customer_id: str, *, lock: bool = False) -> Customer | None:
        """The customer; `lock` holds its row until the transaction ends (PostgreSQL)."""
        connection = self.session.connection()
        if lock:
            row = connection.execute(_BY_ID_FOR_UPDATE, {"id": customer_id}).mappings().first()
            return self._assemble([row])[0] if row else None
        rows = connection.execute(_WITH_ADDRESSES, {"id": customer_id}).mappings().all()
        if not rows:
            return None
        addresses = [_joined_address(row) for row in rows if row[_ADDRESS_PREFIX + "id"] is not None]
        group_ids = list(connection.execute(_GROUPS_OF_ONE, {"id": customer_id}).scalars(1))
        return _customer(rows[0], addresses, group_ids)

    def get_many(self, customer_ids: Iterable[str]) -> dict[str, Customer]:
        ids = sorted(set(customer_ids))
        if not ids:
            return {}
        rows = list(self.session.execute(select(customers).where(customers.c.id.in_(ids))).mappings())
        return {c.id: c for c in self._assemble(rows)}

    def merged_into(self, customer_id: str) -> str:
        value = self.session.execute(
            select(customers.c.merged_into_id).where(customers.c.id == customer_id)
        ).scalar_one_or_none()
        return str(value or "")

    # -- writing -------------------------------------------------------------------------------

    def add(self, customer: Customer) -> None:
        self.session.execute(insert(customers).values(id=customer.id, **_values(customer)))
        self._write_children(customer)

    def update(self, customer: Customer) -> None:
        """Stores a changed customer whose version is one above the stored one."""
        update_versioned(
            self.session, customers, customer.id, customer.audit.version, _values(customer), "customer"
        )
        self.session.execute(
            delete(customer_addresses).where(customer_addresses.c.customer_id == customer.id)
        )
        self.session.execute(
            delete(customer_group_members).where(customer_group_members.c.customer_id == customer.id)
        )
        self._write_children(customer)

    def _write_children(self, customer: Customer) -> None:
        p = customer.profile
        if p.addresses:
            self.session.execute(
                insert(customer_addresses),
                [
                    {
                        "id": a.id,
                        "customer_id": customer.id,
                        "position": i,
                        "kind": a.kind.value,
                        "house_no": a.house_no,
                        "sub_district": a.sub_district,
                        "district": a.district,
                        "province": a.province,
                        "postcode": a.postcode,
                        "country_code": a.country_code,
                        "is_default": a.is_default,
                    }
                    for i, a in enumerate(p.addresses)
                ],
            )
        if p.customer_group_ids:
            self.session.execute(
                insert(customer_group_members),
                [
                    {"customer_id": customer.id, "group_id": g, "position": i}
                    for i, g in enumerate(p.customer_group_ids)
                ],
            )

    def repoint_merged(self, from_id: str, to_id: str) -> None:
        """Customers merged into `from_id` now point at `to_id`, so one hop always resolves."""
        self.session.execute(
            update(customers).where(customers.c.merged_into_id == from_id).values(merged_into_id=to_id)
        )

    # -- lists ---------------------------------------------------------------------------------

    def find(self, caller: Caller, where: CustomerFilter, page: PageRequest) -> tuple[list[Customer], Page]:
        """Customers the caller may see, newest first; merged customers are left out."""
        query: Select[Any] = select(customers).where(customers.c.merged_into_id.is_(None))
        rule = visible_to(caller, customers)
        if rule is not None:
            query = query.where(rule)
        if where.owner_id:
            query = query.where(customers.c.owner_id == where.owner_id)
        if where.kind is not None:
            query = query.where(customers.c.kind == where.kind.value)
        if where.customer_group_id:
            query = query.where(
                exists().where(
                    customer_group_members.c.customer_id == customers.c.id,
                    customer_group_members.c.group_id == where.customer_group_id,
                )
            )
        if where.province:
            query = query.where(
                exists().where(
                    customer_addresses.c.customer_id == customers.c.id,
                    customer_addresses.c.province == where.province.strip(),
                )
            )
        if where.query.strip():
            pattern = like_pattern(where.query)
            matches: list[ColumnElement[bool]] = [
                customers.c.name.ilike(pattern, escape="\\"),
                customers.c.name_en.ilike(pattern, escape="\\"),
                customers.c.tax_id.ilike(pattern, escape="\\"),
                customers.c.email.ilike(pattern, escape="\\"),
                customers.c.phone.ilike(pattern, escape="\\"),
            ]
            phone = try_normalise_phone(where.query)
            if phone:
                matches.append(customers.c.phone == phone)
            query = query.where(or_(*matches))
        result = keyset_page(
            self.session, query, sort=customers.c.created_at, row_id=customers.c.id, page=page
        )
        return self._assemble(result.rows), result

    # -- duplicate detection -------------------------------------------------------------------

    def probes_matching(self, *, tax_id: str, phone: str, email: str) -> list[DuplicateProbe]:
        """Live customers that share the tax id, the phone or the e-mail."""
        conditions: list[ColumnElement[bool]] = []
        if tax_id:
            conditions.append(customers.c.tax_id == tax_id)
        if phone:
            conditions.append(customers.c.phone == phone)
        if email:
            conditions.append(customers.c.email == email)
        if not conditions:
            return []
        rows = self.session.execute(
            select(customers).where(customers.c.merged_into_id.is_(None), or_(*conditions))
        ).mappings()
        return [_probe(row) for row in rows]

    def name_keys(self) -> dict[str, str]:
        """Normalised names of all live customers, for the fuzzy name search."""
        rows = self.session.execute(
            select(customers.c.id, customers.c.name_key).where(customers.c.merged_into_id.is_(None))
        )
        return {row.id: row.name_key for row in rows if row.name_key}

    def probes(self, customer_ids: Iterable[str]) -> list[DuplicateProbe]:
        ids = sorted(set(customer_ids))
        if not ids:
            return []
        rows = self.session.execute(select(customers).where(customers.c.id.in_(ids))).mappings()
        return [_probe(row) for row in rows]


def _probe(row: Row) -> DuplicateProbe:
    return DuplicateProbe(
        customer_id=row["id"],
        name=row["name"],
        name_en=row["name_en"],
        tax_id=row["tax_id"],
        branch_code=row["branch_code"],
        phone=row["phone"],
        email=row["email"],
    )


def probe_of(customer_id: str, profile: CustomerProfile) -> DuplicateProbe:
    """The duplicate-detection view of a customer (maybe not stored yet)."""
    return DuplicateProbe(
        customer_id=customer_id,
        name=profile.name,
        name_en=profile.name_en,
        tax_id=profile.tax_id,
        branch_code=profile.branch_code,
        phone=profile.phone,
        email=profile.email,
    )
