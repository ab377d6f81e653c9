"""Document totals and VAT (Revenue Code §80: 7% on standard-rated supplies; zero-rated §80/1 and
exempt §81 lines carry none and are totalled apart).

Exclusive mode (the default): vat_base = Σ standard-rated line nets, VAT = round(vat_base × 7%)
once on the document, grand_total = net + VAT. Inclusive mode (the selected list is VAT-inclusive):
line nets include VAT, grand_total = Σ line nets, VAT = round(standard-rated total × 7/107),
vat_base = standard-rated total − VAT. Either way the document VAT is allocated to the
standard-rated lines pro rata to their nets (remainder satang to the largest line), so the lines'
VAT adds up to the document's exactly.
"""

from __future__ import annotations

from chassis.money import THAI_VAT_RATE, round_satang

from pricing.domain.lines import WorkLine
from pricing.domain.model import ZERO, Totals, VatClass
from pricing.domain.order_rewards import allocate_exact


def compute_totals(lines: list[WorkLine], inclusive: bool) -> Totals:
    """Totals of the priced lines; sets each line's `vat`."""
    subtotal = line_discounts = order_discounts = net = ZERO
    standard = zero_rated = exempt = ZERO
    standard_lines: list[WorkLine] = []
    for line in lines:
        line_net = line.amount - line.order_discount
        subtotal += line.gross
        line_discounts += line.gross - line.amount
        order_discounts += line.order_discount
        net += line_net
        vat_class = line.product.vat_class
        if vat_class is VatClass.STANDARD:
            standard += line_net
            standard_lines.append(line)
        elif vat_class is VatClass.ZERO_RATED:
            zero_rated += line_net
        else:
            exempt += line_net
        line.vat = ZERO
    if inclusive:
        vat = round_satang(standard * THAI_VAT_RATE / (1 + THAI_VAT_RATE))
        vat_base = standard - vat
        grand_total = net
    else:
        vat = round_satang(standard * THAI_VAT_RATE)
        vat_base = standard
        grand_total = net + vat
    if standard_lines and vat:
        nets = [line.amount - line.order_discount for line in standard_lines]
        for line, part in zip(standard_lines, allocate_exact(vat, nets), strict=True):
            line.vat = part
    return Totals(
        subtotal=subtotal,
        line_discounts=line_discounts,
        order_discounts=order_discounts,
        net=net,
        vat_base=vat_base,
        zero_rated=zero_rated,
        exempt=exempt,
        vat=vat,
        grand_total=grand_total,
    )
