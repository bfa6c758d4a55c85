"""Shared mechanisms below every domain app (docs/architecture.md, "Apps and what each may import").

One module per mechanism, nothing domain-level: versioned records with their change
history (``kernel.records``), the form ↔ service runner and the versioned form
(``kernel.forms``), signed public links and the one view helper that serves them
(``kernel.links``), the one e-mail resend (``kernel.email``). ``kernel`` may import
``tenancy``, ``accounts``, ``audit``, ``jobs`` and Django.
"""
