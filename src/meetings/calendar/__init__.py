"""Calendars: iCalendar (``ical``), the secret-URL feeds and the staff page that lists them.

Other apps add their own events and group feeds through ``meetings.calendar.sources``
(programmes adds its cohorts' sessions), so this package never imports them.
"""
