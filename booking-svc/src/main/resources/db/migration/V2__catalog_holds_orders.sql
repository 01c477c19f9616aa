create table performance (
    id          uuid primary key,
    title       text        not null,
    description text        not null default '',
    venue       text        not null,
    category    text        not null,
    -- +1 on every change; events carry it so consumers never let an older event overwrite a newer one
    version     bigint      not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    deleted_at  timestamptz
);
create index performance_live on performance (created_at) where deleted_at is null;

create table showtime (
    id             uuid primary key,
    performance_id uuid        not null references performance (id) on delete cascade,
    starts_at      timestamptz not null
);
create index showtime_performance on showtime (performance_id, starts_at);

-- One row per seat of a showtime. "A seat is sold at most once" is the single conditional UPDATE in HoldService:
-- a seat moves AVAILABLE -> HELD only while it is AVAILABLE (or its hold has lapsed), under a row lock.
create table seat (
    id          uuid primary key,
    showtime_id uuid        not null references showtime (id) on delete cascade,
    section     text        not null,
    row_label   text        not null,
    number      int         not null,
    price       bigint      not null check (price >= 0),
    status      text        not null default 'AVAILABLE' check (status in ('AVAILABLE', 'HELD', 'SOLD')),
    hold_id     uuid,
    order_id    uuid,
    held_until  timestamptz,
    unique (showtime_id, section, row_label, number),
    -- a HELD seat always knows its hold and its deadline; a SOLD seat its order; an AVAILABLE seat neither
    check ((status = 'AVAILABLE' and hold_id is null and order_id is null)
        or (status = 'HELD' and hold_id is not null and held_until is not null)
        or (status = 'SOLD' and order_id is not null))
);
create index seat_showtime on seat (showtime_id);
create index seat_by_hold on seat (hold_id) where hold_id is not null;
create index seat_by_order on seat (order_id) where order_id is not null;

create table seat_hold (
    id             uuid primary key,
    showtime_id    uuid        not null references showtime (id) on delete cascade,
    performance_id uuid        not null,
    user_id        text        not null,
    seat_count     int         not null check (seat_count > 0),
    status         text        not null check (status in ('ACTIVE', 'ORDERED', 'RELEASED', 'EXPIRED')),
    expires_at     timestamptz not null,
    created_at     timestamptz not null default now()
);
-- one live hold per user per showtime: the per-user seat limit cannot be dodged with parallel holds
create unique index seat_hold_one_active on seat_hold (user_id, showtime_id) where status = 'ACTIVE';
create index seat_hold_expiry on seat_hold (expires_at) where status = 'ACTIVE';

create table booking_order (
    id                 uuid primary key,
    hold_id            uuid        not null unique references seat_hold (id),
    user_id            text        not null,
    performance_id     uuid        not null,
    showtime_id        uuid        not null,
    amount             bigint      not null,
    currency           text        not null default 'KRW',
    status             text        not null check (status in ('PENDING', 'CONFIRMED', 'FAILED', 'EXPIRED', 'CANCELLED', 'REFUNDED')),
    failure_reason     text,
    payment_id         text,
    provider_reference text,
    expires_at         timestamptz not null,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now()
);
create index booking_order_user on booking_order (user_id, created_at);
create index booking_order_pending on booking_order (expires_at) where status = 'PENDING';

-- the seats an order was for, kept after the seats go back on sale (failed, expired, refunded)
create table order_seat (
    order_id uuid not null references booking_order (id),
    seat_id  uuid not null references seat (id),
    primary key (order_id, seat_id)
);
