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

-- Failed login attempts per key ("account:<email>" or "ip:<addr>") in a sliding window, shared by every pod.
create table login_failure (
    key          text        not null,
    failed_at    timestamptz not null default now()
);
create index login_failure_key_time on login_failure (key, failed_at);
