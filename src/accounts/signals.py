"""Security events that accounts announces and the audit app records (audit/security.py).

accounts sits below audit in the import arrows, so it cannot write the security log
itself; Django's own login signals and django-axes' ``user_locked_out`` travel the
same way.

``security_event`` arguments: ``user`` (the account concerned), ``kind`` (one of
``audit.models.SecurityEventKind``), ``by`` (who acted, when someone else did),
``detail`` (a small dict without secrets).
"""

from __future__ import annotations

from django.dispatch import Signal

security_event = Signal()
