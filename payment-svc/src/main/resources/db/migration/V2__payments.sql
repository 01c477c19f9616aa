-- One row per order: the unique order_id is what makes a redelivered or duplicated OrderPlaced harmless.
create table payment (
    id                 uuid primary key,
    order_id           text        not null unique,
    user_id            text        not null,
    amount             bigint      not null check (amount > 0),
    currency           text        not null,
    payment_token      text        not null,
    status             text        not null check (status in
                           ('PENDING', 'PROCESSING', 'APPROVED', 'FAILED', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED')),
    provider_reference text,
    failure_code       text,
    failure_message    text,
    -- provider round trips started for the current step (capture, then refund); a step with attempts > 1 asks the
    -- provider for the payment's status before sending anything again.
    attempts           int         not null default 0,
    -- when the row may be (re)claimed: a claim pushes it out by a lease, so a worker that dies mid-call is
    -- replaced once the lease ends, and only one worker at a time talks to the provider about a payment.
    next_attempt_at    timestamptz not null default now(),
    cancel_requested   boolean     not null default false,
    cancel_reason      text,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now()
);
create index payment_due on payment (next_attempt_at) where status in ('PENDING', 'PROCESSING', 'REFUNDING');

-- The relay publishes in insertion order, so PaymentApproved always precedes PaymentRefunded of the same order.
alter table outbox_event add column seq bigserial;
create index outbox_event_unpublished_seq on outbox_event (seq) where published_at is null;
