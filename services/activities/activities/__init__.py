"""The activities service: what a sales rep does and when (calls, meetings, visits, tasks),
their calendars, reminders, iCalendar feeds and field check-in."""
