"""Settings read from ``WATCHKEEP_*`` environment variables.

Nothing is read at import time: call :func:`get_settings`.
"""

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from watchkeep.core.db import Timeouts


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WATCHKEEP_", extra="ignore")

    database_url: str = Field(
        "sqlite:///watchkeep.db",
        description="SQLAlchemy URL: sqlite:///path.db or postgresql+psycopg://user@host/db",
    )
    db_connect_timeout_seconds: float = Field(
        5.0, gt=0, description="Longest wait to open a database connection (PostgreSQL)"
    )
    db_statement_timeout_seconds: float = Field(
        30.0, gt=0, description="Longest a statement, or a wait for a lock, may take"
    )
    host: str = Field("127.0.0.1", description="Address `serve` and `run` listen on")
    port: int = Field(8000, description="Port `serve` and `run` listen on")
    base_url: str = Field("http://127.0.0.1:8000", description="Public URL used in links")
    session_hours: int = Field(336, description="Lifetime of a web login session")
    secure_cookies: bool | None = Field(
        None, description="Mark cookies Secure (default: when base_url is https)"
    )
    log_level: str = Field("info", description="Log level: debug, info, warning, error")
    worker_concurrency: int = Field(8, description="Jobs a worker runs at once")
    job_poll_seconds: float = Field(0.5, description="How often an idle worker looks for due jobs")
    job_lease_seconds: int = Field(60, description="How long a claimed job is leased")
    update_interval_minutes: int = Field(
        30, description="Default time until the next status update is due"
    )
    similarity_model: str = Field(
        "lexical",
        description="Similar-incident method: lexical (offline, default) or minilm (ml extra)",
    )
    max_body_bytes: int = Field(
        1_048_576, ge=1, description="Largest request body accepted, in bytes (larger: 413)"
    )
    import_max_bytes: int = Field(
        52_428_800,
        ge=1,
        description="Largest body POST /api/v1/import accepts, in bytes (history files are large)",
    )
    request_concurrency: int = Field(
        4,
        ge=1,
        le=1000,
        description="Reads, and writes, one server process works on at once; the rest wait",
    )
    ingest_events_per_minute: int = Field(
        6000,
        ge=1,
        description="Requests one alert source may send per minute to one server process "
        "(more: 429 with Retry-After)",
    )
    demo_data: bool = Field(True, description="`run` loads demo data into an empty database")
    # An optional language model for post-mortem prose: any OpenAI-compatible chat-completions
    # API (a hosted one, or a local server such as llama.cpp or Ollama). Unset: drafts are
    # written by the deterministic drafter alone.
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible API base, e.g. http://localhost:11434/v1 (unset: none)"
    )
    llm_model: str = Field("llama3.1", description="Model name sent to the LLM API")
    llm_api_key: SecretStr | None = Field(None, description="Bearer key for the LLM API")
    llm_timeout_seconds: float = Field(60.0, gt=0, description="Longest wait for the LLM API")
    # The investigation assistant: each evidence source has this long; the metrics of firing
    # alerts come from a Prometheus HTTP API when its base URL is set.
    investigation_source_timeout_seconds: float = Field(
        5.0, gt=0, le=60, description="Longest an investigation waits for one evidence source"
    )
    prometheus_url: str | None = Field(
        None, description="Prometheus HTTP API base for investigations, e.g. http://prom:9090"
    )
    # Notification channels: e-mail needs smtp_host, SMS and voice the three twilio_* values;
    # webhooks, chat webhooks and the log channel need nothing.
    smtp_host: str | None = Field(None, description="SMTP server for e-mail (unset: no e-mail)")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP server port")
    smtp_sender: str = Field("watchkeep@localhost", description="From address of e-mail")
    smtp_username: str | None = Field(None, description="SMTP login name (unset: no login)")
    smtp_password: SecretStr | None = Field(None, description="SMTP login password")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS")
    smtp_ssl: bool = Field(False, description="Speak TLS from the start (SMTPS, port 465)")
    webhook_secret: SecretStr | None = Field(
        None, description="Key that signs outgoing webhooks (unset: unsigned)"
    )
    twilio_base_url: str = Field(
        "https://api.twilio.com", description="Twilio API, or a compatible one, for SMS and voice"
    )
    twilio_account_sid: str | None = Field(None, description="Twilio account SID")
    twilio_auth_token: SecretStr | None = Field(None, description="Twilio auth token")
    twilio_from_number: str | None = Field(
        None, description="Number SMS and calls come from, in E.164 form (+15551234567)"
    )
    notify_timeout_seconds: float = Field(
        10.0, gt=0, description="Longest wait for a mail server, webhook or Twilio to answer"
    )
    shift_notice_minutes: int = Field(
        30,
        ge=0,
        le=7 * 24 * 60,
        description="Tell people this long before their on-call shift starts (0: never)",
    )
    change_lookback_minutes: int = Field(
        120,
        ge=0,
        le=7 * 24 * 60,
        description="Change events this long before an incident's impact began (else its "
        "declaration) are attached to it",
    )
    url: str | None = Field(None, description="CLI: talk to this server instead of the database")
    token: str | None = Field(None, description="CLI: API token used with `--url`")

    @property
    def db_timeouts(self) -> Timeouts:
        return Timeouts(self.db_connect_timeout_seconds, self.db_statement_timeout_seconds)

    @property
    def cookies_secure(self) -> bool:
        """Whether cookies carry ``Secure``: as set, else when the public URL is https."""
        if self.secure_cookies is not None:
            return self.secure_cookies
        return self.base_url.lower().startswith("https://")


@lru_cache
def get_settings() -> Settings:
    return Settings()
