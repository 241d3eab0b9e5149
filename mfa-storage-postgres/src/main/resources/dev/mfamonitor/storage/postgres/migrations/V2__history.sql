-- Schema 2: the history (issue 18). Every committed event with its delivery outcomes per notifier, and a summary of
-- each monitor per run, bounded by policy.history: a commit deletes the rows older than its bound. Nothing of schema 1
-- changes; an existing database gains these tables, empty, in the first commit of the new version.

-- One row per committed event; entry_id is the outbox entry's id (or one of the same kind for an event no notifier
-- takes), seq the order of commits. committed_at is the exact time as the engine gave it, committed_time the same for
-- range queries and pruning.
CREATE TABLE {schema}.history_events (
    entry_id       text        PRIMARY KEY,
    seq            bigserial   NOT NULL UNIQUE,
    committed_at   text        NOT NULL,
    committed_time timestamptz NOT NULL,
    monitor_id     text        NOT NULL,  -- plain copies for queries; the event column is the truth
    account_id     text,
    event_type     text        NOT NULL,
    event          json        NOT NULL
);
CREATE INDEX history_events_time ON {schema}.history_events (committed_time);
CREATE INDEX history_events_account ON {schema}.history_events (account_id);

-- How delivery of each history event went, per notifier: a copy of the deliveries row, updated by the same marks, and
-- kept after the outbox drops the settled entry.
CREATE TABLE {schema}.history_deliveries (
    entry_id        text    NOT NULL REFERENCES {schema}.history_events (entry_id) ON DELETE CASCADE,
    notifier_id     text    NOT NULL,
    state           text    NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'ABANDONED')),
    attempts        integer NOT NULL CHECK (attempts >= 0),
    last_attempt_at text,
    last_error      json,
    PRIMARY KEY (entry_id, notifier_id)
);

-- One row per monitor per committed run: MFA coverage over time is a line through these.
CREATE TABLE {schema}.history_runs (
    seq                bigserial   PRIMARY KEY,
    monitor_id         text        NOT NULL,
    run_at             text        NOT NULL,
    run_time           timestamptz NOT NULL,
    service            text        NOT NULL,
    health             text        NOT NULL CHECK (health IN ('OK', 'INCOMPLETE', 'FAILED')),
    problem            json,                 -- a JSON string
    enabled            integer     NOT NULL CHECK (enabled >= 0),
    weak               integer     NOT NULL CHECK (weak >= 0),
    disabled           integer     NOT NULL CHECK (disabled >= 0),
    not_applicable     integer     NOT NULL CHECK (not_applicable >= 0),
    unknown            integer     NOT NULL CHECK (unknown >= 0),
    admins_without_mfa integer     NOT NULL CHECK (admins_without_mfa >= 0),
    summary            json        NOT NULL  -- monitorId and service exactly (the text columns are plain copies)
);
CREATE INDEX history_runs_time ON {schema}.history_runs (run_time);
