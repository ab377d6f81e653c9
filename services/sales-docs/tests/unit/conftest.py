"""Parties and dates the sales-document tests share."""

import datetime as dt

import pytest
from sales_docs.domain.parties import Party

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def seller() -> Party:
    return Party(
        name="บริษัท สยามซัพพลาย จำกัด",
        address="99/1 ถนนพระราม 9 แขวงห้วยขวาง เขตห้วยขวาง กรุงเทพมหานคร 10310",
        tax_id="0105558123451",
        name_en="Siam Supply Co., Ltd.",
    )


@pytest.fixture
def buyer() -> Party:
    return Party(
        name="บริษัท เชียงใหม่เทรดดิ้ง จำกัด",
        address="12 ถนนนิมมานเหมินท์ ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200",
        tax_id="0105560123454",
        branch_code="00002",
    )
