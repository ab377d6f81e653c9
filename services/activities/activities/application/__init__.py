"""Use cases of the activities service, one transaction each."""
