create table account (
    id            uuid primary key,
    email         text        not null,
    name          text        not null,
    password_hash text        not null,
    roles         text[]      not null default array['user'],
    created_at    timestamptz not null default now()
);
-- Emails are stored normalized (trimmed, lower-case); uniqueness is the database's job, not a read-then-write.
create unique index account_email_unique on account (email);

-- Opaque refresh tokens, stored as SHA-256 hashes. A family is one login's chain of rotations: presenting a
-- rotated (used) token again revokes the whole family.
create table refresh_token (
    token_hash  text primary key,
    account_id  uuid        not null references account (id) on delete cascade,
    family_id   uuid        not null,
    expires_at  timestamptz not null,
    used_at     timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz not null default now()
);
create index refresh_token_family on refresh_token (family_id);
create index refresh_token_expiry on refresh_token (expires_at);

-- Failed-login budget per key ("account:<email>" or "ip:<address>"), shared by every pod: a fixed window that
-- starts at the first attempt counted. `pending` = account attempts whose password check is in flight; they hold
-- budget until they resolve, so a burst of parallel guesses cannot overshoot the limit.
create table login_throttle (
    key          text        primary key,
    failures     integer     not null default 0,
    pending      integer     not null default 0,
    window_start timestamptz not null
);
create index login_throttle_window on login_throttle (window_start);
