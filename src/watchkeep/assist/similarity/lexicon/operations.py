"""Observability, jobs and symptoms: log volume, scheduled jobs, latency, errors."""

CONCEPTS: dict[str, str] = {
    "log-volume": """
        log volume | log ingestion | ingestion ... logs | log* ... ingest* | log spam | log flood* |
        flood* ... logs | noisy logs | chatty logs | excessive logging | verbose logging |
        debug logging | debug log* | log level ... debug | loglevel ... debug | log ... gb |
        logs ... gb | log* ... growing | log storage | log cost* | log quota | ingestion quota |
        daily quota ... log* | license violation | logs ... filled | logrotate | log rotation |
        log* ... rotat* | =logging
    """,
    "scheduled-job": """
        cron* | cronjob* | scheduled job* | scheduled task* | schedul* | nightly | daily job |
        batch job* | batch | job | jobs | timer* | systemd timer | every night | weekly | monthly |
        hourly | daily | every hour | every day | every week | scheduled | scheduler | airflow |
        dag | celery beat | quartz | top of the hour | on the hour
    """,
    "duplicate-run": """
        ran twice | run twice | runs twice | executed twice | processed twice | sent twice |
        charged twice | double charg* | double process* | double send | double execution |
        duplicat* ... run* | duplicat* ... execut* | duplicat* ... process* | duplicat* ... job* |
        duplicat* ... messag* | duplicat* ... deliver* | duplicat* ... event* |
        duplicat* ... charg* | duplicat* ... send* | overlapping run* | overlap* ... run* |
        run* ... overlap* | concurrent run* | ran concurrently | concurrencypolicy |
        concurrency policy | forbid | idempoten* | non idempotent | not idempotent | at least once |
        exactly once | more than one instance | two instances ... same job |
        two ... instances ... ran | same job ... twice
    """,
    "latency": """
        latency | latenc* | slow* | p99 | p95 | p90 | p50 | p999 | tail latency | response time* |
        timeout* | timed out | time out | deadline exceeded | context deadline exceeded |
        deadlineexceeded | stall* | hang* | hung | freez* | jitter | sluggish | unresponsive
    """,
    "server-error": """
        500 | 502 | 503 | 504 | 5xx | internal server error | bad gateway | service unavailable |
        gateway timeout | error rate | error rates | elevated errors | httpcode elb 5xx |
        httpcode target 5xx | http 5xx | error budget | burn rate | upstream error* | unavailable
    """,
}
