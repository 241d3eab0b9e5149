-- Schema 1 of the mfa-monitor state. {schema} is the configured schema name (checked to be a plain identifier).
-- Free text that comes from outside (names, facts, error messages) lives in json columns: json keeps the escape
-- \u0000, which PostgreSQL text and jsonb refuse. The plain columns beside them are copies for people's queries.

-- One row per monitor: its health and, when it has one, the head of its last good snapshot.
CREATE TABLE {schema}.monitors (
    monitor_id      text    PRIMARY KEY,
    failure_streak  integer NOT NULL CHECK (failure_streak >= 0),
    health          json    NOT NULL,  -- failureStreak, lastFailure, alertedAt
    snapshot        json,              -- service, observedAt, requirements, facts, gaps, notices; NULL before a success
    service         text,
    observed_at     text,
    account_count   integer NOT NULL DEFAULT 0,
    accounts_digest text               -- SHA-256 of the accounts' documents in order: an unchanged list is not rewritten
);

-- The accounts of each monitor's last good snapshot, in the snapshot's order.
CREATE TABLE {schema}.accounts (
    monitor_id text    NOT NULL REFERENCES {schema}.monitors (monitor_id) ON DELETE CASCADE,
    position   integer NOT NULL,
    account_id text    NOT NULL,
    mfa        text    NOT NULL,
    account    json    NOT NULL,       -- id, name, kind, mfa, scope, facts
    PRIMARY KEY (monitor_id, position)
);

-- Events waiting for delivery; entry_id is the engine's stable id, seq keeps the order they were committed in.
CREATE TABLE {schema}.outbox (
    entry_id   text      PRIMARY KEY,
    seq        bigserial NOT NULL UNIQUE,
    created_at text      NOT NULL,
    event_type text      NOT NULL,
    event      json      NOT NULL      -- the whole event, its type's definition and any carried events included
);

-- How delivery of each entry stands, per notifier: small rows updated in place by delivery marks.
CREATE TABLE {schema}.deliveries (
    entry_id        text    NOT NULL REFERENCES {schema}.outbox (entry_id) ON DELETE CASCADE,
    notifier_id     text    NOT NULL,
    state           text    NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'ABANDONED')),
    attempts        integer NOT NULL CHECK (attempts >= 0),
    last_attempt_at text,
    last_error      json,               -- a JSON string
    PRIMARY KEY (entry_id, notifier_id)
);
