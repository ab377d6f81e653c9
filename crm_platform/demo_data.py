"""Realistic Thai demo data, loaded once through the gateway's REST API (never into the
databases directly), so a demo shows exactly what an API client would see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests


def thai_tax_id(first_twelve: str) -> str:
    """Appends the Revenue Department's mod-11 check digit (the rule python-stdnum checks)."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first_twelve))
    return first_twelve + str((11 - total % 11) % 10)


TEAMS = [("Bangkok Enterprise", "ทีมขายองค์กร กรุงเทพฯ"), ("Northern Region", "ทีมขายภาคเหนือ")]
USERS = [
    # email, display name, roles, team index, language
    ("somchai.manager@example.co.th", "สมชาย ใจดี", ["sales_manager", "approver"], 0, "th"),
    ("malee.rep@example.co.th", "มาลี รักงาน", ["sales_rep"], 0, "th"),
    ("anan.rep@example.co.th", "อนันต์ ขยันขาย", ["sales_rep"], 0, "th"),
    ("kanya.manager@example.co.th", "กัญญา เชียงใหม่", ["sales_manager"], 1, "th"),
    ("niran.rep@example.co.th", "นิรันดร์ ดอยสุเทพ", ["sales_rep"], 1, "en"),
    ("pim.accounting@example.co.th", "พิมพ์ บัญชี", ["accountant"], 0, "th"),
]
DEMO_PASSWORD = "Demo-Passw0rd!"

CUSTOMERS = [
    (
        "บริษัท สยามเทคโนโลยี จำกัด",
        "Siam Technology Co., Ltd.",
        "010555000123",
        "00000",
        ("99/9 อาคารสาทรทาวเวอร์ ถนนสาทรใต้", "ทุ่งมหาเมฆ", "สาทร", "กรุงเทพมหานคร", "10120"),
        "02-123-4567",
    ),
    (
        "บริษัท เชียงใหม่ฟู้ดส์ จำกัด",
        "Chiang Mai Foods Co., Ltd.",
        "050555800412",
        "00000",
        ("12 ถนนห้วยแก้ว", "สุเทพ", "เมืองเชียงใหม่", "เชียงใหม่", "50200"),
        "053-221-100",
    ),
    (
        "บริษัท ไทยพาณิชย์อุตสาหกรรม จำกัด (มหาชน)",
        "Thai Commercial Industries PCL",
        "010753700921",
        "00001",
        ("88 หมู่ 4 นิคมอุตสาหกรรมบางปู", "แพรกษา", "เมืองสมุทรปราการ", "สมุทรปราการ", "10280"),
        "02-709-0000",
    ),
    (
        "ห้างหุ้นส่วนจำกัด ภูเก็ตมารีน",
        "Phuket Marine Ltd., Part.",
        "083355300118",
        "00000",
        ("5/1 ถนนเทพกระษัตรี", "รัษฎา", "เมืองภูเก็ต", "ภูเก็ต", "83000"),
        "076-212-345",
    ),
    (
        "บริษัท ขอนแก่นก่อสร้าง จำกัด",
        "Khon Kaen Construction Co., Ltd.",
        "040555100777",
        "00000",
        ("201 ถนนมิตรภาพ", "ในเมือง", "เมืองขอนแก่น", "ขอนแก่น", "40000"),
        "043-333-888",
    ),
]

LEADS = [
    ("web_form", "บริษัท บางนาโลจิสติกส์ จำกัด", "คุณวิไล", "wilai@bangna-logistics.co.th", "0812345678"),
    ("facebook", "ร้านกาแฟดอยช้าง", "คุณอารีย์", "aree@doichang-coffee.com", "0898765432"),
    ("line", "บริษัท ระยองเคมี จำกัด", "คุณประเสริฐ", "prasert@rayongchem.co.th", "0861112222"),
    ("email", "Pattaya Resort Group", "Mr. John Smith", "john@pattaya-resort.com", "0953334444"),
    ("phone", "บริษัท นครปฐมการเกษตร จำกัด", "คุณสมศรี", "somsri@npt-agri.co.th", "0815556666"),
    ("walk_in", "โรงพยาบาลสุขใจ", "คุณหมอธนา", "thana@sukjai-hospital.com", "0827778888"),
    ("referral", "บริษัท อยุธยาเหล็กกล้า จำกัด", "คุณวีระ", "weera@ayutthaya-steel.co.th", "0839990000"),
]


@dataclass
class DemoLoader:
    base_url: str
    admin_email: str
    admin_password: str

    def _token(self, email: str, password: str) -> str:
        response = requests.post(
            f"{self.base_url}/api/v1/auth/token",
            timeout=10,
            json={"grant_type": "password", "username": email, "password": password},
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def _post(self, token: str, path: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        response = requests.post(
            f"{self.base_url}{path}",
            json=body,
            timeout=10,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
        )
        if response.status_code >= 400:
            raise RuntimeError(f"POST {path} failed: {response.status_code} {response.text}")
        return dict(response.json())

    def load(self) -> dict[str, Any]:
        admin = self._token(self.admin_email, self.admin_password)
        teams = [
            self._post(admin, "/api/v1/teams", {"name": en, "description": th}, f"demo-team-{i}")
            for i, (en, th) in enumerate(TEAMS)
        ]
        users = []
        for i, (email, name, roles, team, language) in enumerate(USERS):
            users.append(
                self._post(
                    admin,
                    "/api/v1/users",
                    {
                        "email": email,
                        "display_name": name,
                        "password": DEMO_PASSWORD,
                        "roles": roles,
                        "team_ids": [teams[team]["id"]],
                        "language": language,
                    },
                    f"demo-user-{i}",
                )
            )
        reps = [u for u in users if "sales_rep" in u["roles"]]
        for i, (name, name_en, tax12, branch, (house, sub, district, province, postcode), phone) in enumerate(
            CUSTOMERS
        ):
            rep = reps[i % len(reps)]
            self._post(
                admin,
                "/api/v1/customers",
                {
                    "kind": "juristic",
                    "name": name,
                    "name_en": name_en,
                    "tax_id": thai_tax_id(tax12),
                    "branch_code": branch,
                    "phone": phone,
                    "email": f"info{i}@example.co.th",
                    "owner_id": rep["id"],
                    "team_id": rep["team_ids"][0],
                    "addresses": [
                        {
                            "kind": "billing",
                            "house_no": house,
                            "sub_district": sub,
                            "district": district,
                            "province": province,
                            "postcode": postcode,
                        }
                    ],
                    "sales_conditions": {
                        "credit_term_days": 30,
                        "credit_limit": {"amount": "500000.00", "currency": "THB"},
                        "payment_method": "transfer",
                    },
                },
                f"demo-customer-{i}",
            )
        for i, (source, company, contact, email, phone) in enumerate(LEADS):
            rep = reps[i % len(reps)]
            self._post(
                admin,
                "/api/v1/leads",
                {
                    "source": source,
                    "company_name": company,
                    "contact_name": contact,
                    "email": email,
                    "phone": phone,
                    "owner_id": rep["id"],
                    "team_id": rep["team_ids"][0],
                },
                f"demo-lead-{i}",
            )
        return {"users": [u["email"] for u in users], "password": DEMO_PASSWORD}
