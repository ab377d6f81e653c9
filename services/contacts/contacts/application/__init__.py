"""Use cases of the contacts service. Each is one function and one transaction: it takes the
`ContactsContext` and the caller, loads through the repositories of a `UnitOfWork`, applies
domain rules, stores the change and emits its events into the outbox in the same transaction.

Modules: `context` (context, unit of work, policy), `leads`, `qualification`, `customers`,
`duplicates`, `merge`, `contact_persons`, `groups`, `purchase_history`, `audit`, `imports`.
"""
