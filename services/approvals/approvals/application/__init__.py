"""Use cases of the approval center: one function and one transaction each."""
