-- Transactional outbox: an event row is written in the same transaction as the state change it describes and
-- relayed to Kafka afterwards, so no event is lost when the service dies between commit and send.
create table outbox_event (
    id            uuid primary key,
    topic         text        not null,
    event_key     text        not null,
    event_type    text        not null,
    payload       jsonb       not null,
    occurred_at   timestamptz not null default now(),
    published_at  timestamptz
);
create index outbox_event_unpublished on outbox_event (occurred_at) where published_at is null;

-- Consumers are idempotent by event id: a redelivered event finds its id here and changes nothing.
create table processed_event (
    event_id     uuid primary key,
    processed_at timestamptz not null default now()
);
