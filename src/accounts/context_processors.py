"""Template context: what the navigation may offer the current user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.permissions import (
    ACCOUNTS_ADMIN,
    AUDIT_VIEW,
    INSIGHTS_VIEW,
    JOBS_VIEW,
    MEETINGS_CHANGE,
    MEETINGS_VIEW,
    MENTORSHIP_CHANGE,
    MENTORSHIP_VIEW,
    PROGRAMMES_CHANGE,
    PROGRAMMES_VIEW,
    REGISTER_CHANGE,
    REGISTER_VIEW,
    WORKLIST_VIEW,
    user_has_permission,
)


def staff(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "can": {
            "register_view": user_has_permission(user, REGISTER_VIEW),
            "register_change": user_has_permission(user, REGISTER_CHANGE),
            "audit_view": user_has_permission(user, AUDIT_VIEW),
            "jobs_view": user_has_permission(user, JOBS_VIEW),
            "mentorship_view": user_has_permission(user, MENTORSHIP_VIEW),
            "mentorship_change": user_has_permission(user, MENTORSHIP_CHANGE),
            "programmes_view": user_has_permission(user, PROGRAMMES_VIEW),
            "programmes_change": user_has_permission(user, PROGRAMMES_CHANGE),
            "meetings_view": user_has_permission(user, MEETINGS_VIEW),
            "meetings_change": user_has_permission(user, MEETINGS_CHANGE),
            "insights_view": user_has_permission(user, INSIGHTS_VIEW),
            "accounts_admin": user_has_permission(user, ACCOUNTS_ADMIN),
            "worklist_view": user_has_permission(user, WORKLIST_VIEW),
        }
    }
