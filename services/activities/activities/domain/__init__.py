"""Pure rules of activities: time, recurrence, conflicts, reminders, check-in, links."""
