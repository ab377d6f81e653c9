"""Seller and buyer as a tax document names them (Revenue Code §86/4 (2) and (3)).

A tax invoice carries the name, address and 13-digit tax id of both parties, and since 2012
(Director-General's notice 199) the words "สำนักงานใหญ่" (head office) or the five-digit branch
number of each. A party is a snapshot taken when the document is issued, so a later change of
the customer record does not change an issued document.
"""

from __future__ import annotations

from dataclasses import dataclass

from chassis.errors import ViolationCollector
from stdnum.exceptions import ValidationError
from stdnum.th import tin

HEAD_OFFICE = "00000"


@dataclass(frozen=True)
class Party:
    """A seller or buyer snapshot: `branch_code` is "00000" for the head office."""

    name: str
    address: str
    tax_id: str = ""
    branch_code: str = HEAD_OFFICE
    name_en: str = ""
    phone: str = ""
    email: str = ""

    @property
    def is_head_office(self) -> bool:
        return self.branch_code == HEAD_OFFICE

    def branch_label_th(self) -> str:
        """ "สำนักงานใหญ่" or "สาขาที่ 00001", as printed after the tax id."""
        return "สำนักงานใหญ่" if self.is_head_office else f"สาขาที่ {self.branch_code}"

    def branch_label_en(self) -> str:
        return "Head office" if self.is_head_office else f"Branch {self.branch_code}"


def check_tax_id(value: str, field: str, violations: ViolationCollector) -> None:
    """A Thai 13-digit tax id with a valid check digit (python-stdnum's th.tin)."""
    if not (len(value) == 13 and value.isdigit()):
        violations.add(field, "must be the 13 digits of a Thai tax id")
        return
    try:
        tin.validate(value)
    except ValidationError:
        violations.add(field, "is not a valid Thai tax id (check digit)")


def check_party(party: Party, path: str, violations: ViolationCollector, tax_id_required: bool) -> None:
    """Collects what a tax document needs of a party: name, address, tax id and branch."""
    if not party.name.strip():
        violations.add(f"{path}.name", "is required")
    if not party.address.strip():
        violations.add(f"{path}.address", "is required")
    if party.tax_id or tax_id_required:
        check_tax_id(party.tax_id, f"{path}.tax_id", violations)
    if not (len(party.branch_code) == 5 and party.branch_code.isdigit()):
        violations.add(f"{path}.branch_code", 'must be "00000" (head office) or a five-digit branch number')


def format_tax_id(tax_id: str) -> str:
    """The printed form 0-1055-36092-64-1 (as on Revenue Department forms)."""
    if len(tax_id) != 13:
        return tax_id
    return f"{tax_id[0]}-{tax_id[1:5]}-{tax_id[5:10]}-{tax_id[10:12]}-{tax_id[12]}"
