"""The contacts domain: plain Python rules with no framework imports (no SQLAlchemy, gRPC or
NATS), unit-tested without a database.

- `validation`: field paths and the collecting of violations;
- `identifiers`: Thai tax ids, national ids, branch codes and postcodes (python-stdnum);
- `contact_points`: phone numbers (E.164 via phonenumbers) and e-mail addresses;
- `model`: leads, customers, addresses, contact persons, groups and their forms (raw input);
- `leads`, `customers`, `contact_persons`: parsing forms into validated values, state rules;
- `ownership`: who may own, see and reassign a record;
- `duplicates`: duplicate scoring (tax id, phone, e-mail, similar names);
- `merge`: what the survivor keeps when two customers merge;
- `csv_rows`: CSV import rows, their validation and fingerprints;
- `purchase_history`: purchase documents from sales events.
"""
