"""The administrators' record of background jobs (``/jobb/``): what waits, what failed and why.

The job mechanism itself (``jobs``) sits below ``accounts``, which queues its e-mail
there; this page needs the declared permissions of ``accounts``, so it lives here,
beside the other records administrators read.
"""
