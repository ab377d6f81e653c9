"""Pure rules of the sales chain: states, amounts, Thai tax, numbering patterns.

Plain Python over `Decimal` and frozen dataclasses; no framework imports (no SQLAlchemy, gRPC
or NATS), unit-tested without a database. Functions return new values; the service stores them.

- `amounts`: lines, discounts, VAT-exclusive/inclusive totals (VAT once on the total);
- `parties`: seller/buyer snapshots with tax id and head office/branch;
- `numbering`: number patterns per type, year (B.E./C.E.) and branch; counter keys; parsing;
- `opportunities`: the configurable pipeline, stage history, lost reasons;
- `quotations`: revisions, the state machine, approval by override threshold, expiry;
- `sale_orders`: orders from quotations or direct, confirm/cancel, what is left to invoice;
- `payments`: payment methods and references;
- `deposits`: deposits as tax points, deductions with their VAT, balances;
- `tax_invoices`: full/partial invoices (lines or percent) deducting deposits, void, sent;
- `particulars`: the §86/4 particulars of a tax invoice as data;
- `adjustments`: credit notes (§86/10) and debit notes (§86/9);
- `receipts`: receipts over several invoices, withholding tax, payment status;
- `aging`: accounts-receivable aging buckets.
"""
