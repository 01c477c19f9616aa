-- Best available and the per-fan ticket limit (issue 21).

-- Rows are labelled A, B, … Z, AA, … from the stage back (CatalogService.rowLabel), so text order is not row order
-- ('AA' < 'B'). The position is kept as a number: 1 = the first row of the section as created, nearest the stage.
alter table seat add column row_index int;
update seat s set row_index = r.idx
  from (select id, dense_rank() over (partition by showtime_id, section order by length(row_label), row_label) as idx
          from seat) r
 where r.id = s.id;
alter table seat alter column row_index set not null;
create index seat_by_position on seat (showtime_id, section, row_index, number);

-- null: the service's default (booking.tickets-per-fan)
alter table performance add column ticket_limit_per_fan int check (ticket_limit_per_fan > 0);

create index seat_hold_fan on seat_hold (user_id, performance_id) where status = 'ACTIVE';
create index booking_order_fan on booking_order (user_id, performance_id) where status in ('PENDING', 'CONFIRMED');

-- "A fan has at most the performance's limit of tickets": the tickets the fan has for a performance are the seats of
-- their live holds (ACTIVE, not lapsed) plus the seats of their PENDING and CONFIRMED orders, across all showtimes.
-- The live hold on p_replacing_showtime is left out (the new hold replaces it), and an ORDERED hold is not a live
-- hold (its seats are counted once, as the order's). Call only under fan_tickets_lock: nothing else adds to the count.
create or replace function fan_tickets(p_performance uuid, p_user text, p_replacing_showtime uuid)
    returns int
    language sql stable
as $$
    select (select coalesce(sum(h.seat_count), 0) from seat_hold h
             where h.user_id = p_user and h.performance_id = p_performance and h.status = 'ACTIVE'
               and h.expires_at > now() and h.showtime_id <> p_replacing_showtime)::int
         + (select count(*) from booking_order o join order_seat os on os.order_id = o.id
             where o.user_id = p_user and o.performance_id = p_performance
               and o.status in ('PENDING', 'CONFIRMED'))::int
$$;

-- Serializes every hold of one fan for one performance (whatever the showtime) until the transaction ends, so the
-- count read after it cannot be raised by a parallel hold of the same fan: no check-then-act. Taken first, before any
-- row lock. A hash collision only makes two unrelated fans wait for each other briefly.
create or replace function fan_tickets_lock(p_performance uuid, p_user text)
    returns void
    language sql
as $$
    select pg_advisory_xact_lock(hashtextextended(p_performance::text || '/' || p_user, 21))
$$;

-- hold_seats (V3) with the per-fan limit: the same locks and checks, preceded by the fan's performance lock and the
-- count. New outcome 'over-limit' (ticket_limit, tickets_held: the fan's tickets without the hold being replaced).
drop function hold_seats(uuid, text, uuid[], uuid, timestamptz);
create or replace function hold_seats(p_showtime uuid, p_user text, p_seats uuid[], p_hold uuid, p_expires timestamptz,
                                      p_default_limit int)
    returns table (outcome text, seat_id uuid, section text, row_label text, seat_number int, price bigint,
                   taken_until timestamptz, sold boolean, ticket_limit int, tickets_held int)
    language plpgsql
as $$
#variable_conflict use_column
declare
    v_performance uuid;
    v_limit       int;
    v_tickets     int;
    v_previous    uuid[];
    v_free        int;
begin
    select t.performance_id, coalesce(p.ticket_limit_per_fan, p_default_limit) into v_performance, v_limit
      from showtime t join performance p on p.id = t.performance_id
     where t.id = p_showtime and p.deleted_at is null;
    if v_performance is null then
        return query select 'no-showtime'::text, null::uuid, null::text, null::text, null::int, null::bigint,
                            null::timestamptz, null::boolean, null::int, null::int;
        return;
    end if;

    perform fan_tickets_lock(v_performance, p_user);
    v_tickets := fan_tickets(v_performance, p_user, p_showtime);
    if v_tickets + cardinality(p_seats) > v_limit then
        return query select 'over-limit'::text, null::uuid, null::text, null::text, null::int, null::bigint,
                            null::timestamptz, null::boolean, v_limit, v_tickets;
        return;
    end if;

    select coalesce(array_agg(h.id), '{}') into v_previous
      from (select id from seat_hold
             where user_id = p_user and showtime_id = p_showtime and status = 'ACTIVE'
               for update) h;

    perform 1 from seat
      where showtime_id = p_showtime and (id = any(p_seats) or hold_id = any(v_previous))
      order by id
        for update;

    -- free: on sale, or held past its deadline and not ordered, or already in this fan's previous hold
    select count(*) into v_free from seat s
     where s.showtime_id = p_showtime and s.id = any(p_seats)
       and (s.status = 'AVAILABLE'
            or (s.status = 'HELD' and s.order_id is null and (s.held_until <= now() or s.hold_id = any(v_previous))));
    if v_free <> cardinality(p_seats) then
        return query
            select case when s.id is null then 'unknown' else 'taken' end, r.id, null::text, null::text, null::int,
                   null::bigint, case when s.status = 'HELD' and s.held_until > now() then s.held_until end,
                   coalesce(s.status = 'SOLD', false), null::int, null::int
              from unnest(p_seats) as r(id)
              left join seat s on s.id = r.id and s.showtime_id = p_showtime
             where s.id is null
                or not (s.status = 'AVAILABLE'
                        or (s.status = 'HELD' and s.order_id is null
                            and (s.held_until <= now() or s.hold_id = any(v_previous))));
        return;
    end if;

    update seat_hold set status = 'RELEASED' where id = any(v_previous);
    return query
        update seat s set status = 'AVAILABLE', hold_id = null, held_until = null
         where s.hold_id = any(v_previous) and s.status = 'HELD' and s.order_id is null and not (s.id = any(p_seats))
        returning 'freed'::text, s.id, null::text, null::text, null::int, null::bigint, null::timestamptz,
                  null::boolean, null::int, null::int;

    insert into seat_hold (id, showtime_id, performance_id, user_id, seat_count, status, expires_at)
    values (p_hold, p_showtime, v_performance, p_user, cardinality(p_seats), 'ACTIVE', p_expires);

    return query
        update seat s set status = 'HELD', hold_id = p_hold, order_id = null, held_until = p_expires
         where s.showtime_id = p_showtime and s.id = any(p_seats)
        returning 'held'::text, s.id, s.section, s.row_label, s.number, s.price, null::timestamptz, null::boolean,
                  null::int, null::int;
end;
$$;

-- Best available: p_count adjacent seats (consecutive numbers in one section and row) picked and held in one call.
-- Best = the highest price first, then the row nearest the stage (row_index), then the block whose middle is nearest
-- the row's middle, then the lower seat number and the section name (a stable order). With p_section only that
-- section is considered.
--
-- Locks, in hold_seats' order: the fan's performance lock, the fan's live hold row, that hold's seats in id order
-- (blocking, like hold_seats), then candidate seats with SKIP LOCKED: a seat another transaction is holding or
-- taking is passed over, never waited for, so two pickers never deadlock and never block each other. Candidates are
-- read best-first from a snapshot, and each block is re-checked under its row locks (a seat taken meanwhile fails
-- the check). Once a block is locked and free, hold_seats takes it: every row it locks is already ours, so its
-- checks see exactly what this function saw.
--
-- Outcomes: those of hold_seats, plus 'unknown-section' (p_section names no section of this showtime) and
-- 'none-together' (no p_count free seats sit together anywhere allowed).
create or replace function hold_best_seats(p_showtime uuid, p_user text, p_count int, p_section text, p_hold uuid,
                                           p_expires timestamptz, p_default_limit int)
    returns table (outcome text, seat_id uuid, section text, row_label text, seat_number int, price bigint,
                   taken_until timestamptz, sold boolean, ticket_limit int, tickets_held int)
    language plpgsql
as $$
#variable_conflict use_column
declare
    v_performance uuid;
    v_limit       int;
    v_tickets     int;
    v_previous    uuid[];
    v_mine        uuid[] := '{}';  -- candidate seats locked by us and free
    v_refused     uuid[] := '{}';  -- candidate seats locked by others or no longer free
    v_block       uuid[];
    v_got         uuid[];
    c             record;
begin
    select t.performance_id, coalesce(p.ticket_limit_per_fan, p_default_limit) into v_performance, v_limit
      from showtime t join performance p on p.id = t.performance_id
     where t.id = p_showtime and p.deleted_at is null;
    if v_performance is null then
        return query select 'no-showtime'::text, null::uuid, null::text, null::text, null::int, null::bigint,
                            null::timestamptz, null::boolean, null::int, null::int;
        return;
    end if;
    if p_section is not null
       and not exists (select 1 from seat s where s.showtime_id = p_showtime and s.section = p_section) then
        return query select 'unknown-section'::text, null::uuid, null::text, null::text, null::int, null::bigint,
                            null::timestamptz, null::boolean, null::int, null::int;
        return;
    end if;

    -- refused before any seat is scanned; hold_seats counts again under the same lock
    perform fan_tickets_lock(v_performance, p_user);
    v_tickets := fan_tickets(v_performance, p_user, p_showtime);
    if v_tickets + p_count > v_limit then
        return query select 'over-limit'::text, null::uuid, null::text, null::text, null::int, null::bigint,
                            null::timestamptz, null::boolean, v_limit, v_tickets;
        return;
    end if;

    select coalesce(array_agg(h.id), '{}') into v_previous
      from (select id from seat_hold
             where user_id = p_user and showtime_id = p_showtime and status = 'ACTIVE'
               for update) h;
    perform 1 from seat where showtime_id = p_showtime and hold_id = any(v_previous) order by id for update;

    for c in
        with free as (
            select s.id, s.section, s.row_index, s.number, s.price,
                   s.number - row_number() over (partition by s.section, s.row_index order by s.number) as run
              from seat s
             where s.showtime_id = p_showtime and (p_section is null or s.section = p_section)
               and (s.status = 'AVAILABLE'
                    or (s.status = 'HELD' and s.order_id is null
                        and (s.held_until <= now() or s.hold_id = any(v_previous))))),
        runs as (  -- maximal stretches of consecutive free seats, long enough for p_count
            select f.section, f.row_index, min(f.number) as lo, max(f.number) as hi, min(f.price) as price
              from free f group by f.section, f.row_index, f.run
            having count(*) >= p_count),
        middles as (
            select s.section, s.row_index, (min(s.number) + max(s.number)) / 2.0 as middle
              from seat s where s.showtime_id = p_showtime and (p_section is null or s.section = p_section)
             group by s.section, s.row_index)
        select r.section, r.row_index, b.first_number
          from runs r join middles m on m.section = r.section and m.row_index = r.row_index,
               generate_series(r.lo, r.hi - p_count + 1) as b(first_number)
         order by r.price desc, r.row_index, abs(b.first_number + (p_count - 1) / 2.0 - m.middle), b.first_number, r.section
    loop
        select array_agg(s.id order by s.number) into v_block
          from seat s
         where s.showtime_id = p_showtime and s.section = c.section and s.row_index = c.row_index
           and s.number between c.first_number and c.first_number + p_count - 1;
        continue when v_block && v_refused;
        -- lock what is not yet ours; a seat locked elsewhere is skipped, a seat taken since the snapshot fails the
        -- re-check that FOR UPDATE makes on its newest version
        select coalesce(array_agg(l.id), '{}') into v_got
          from (select s.id from seat s
                 where s.id = any(v_block) and not (s.id = any(v_mine))
                   and (s.status = 'AVAILABLE'
                        or (s.status = 'HELD' and s.order_id is null
                            and (s.held_until <= now() or s.hold_id = any(v_previous))))
                 order by s.id
                   for update skip locked) l;
        v_mine := v_mine || v_got;
        if v_block <@ v_mine then
            return query select * from hold_seats(p_showtime, p_user, v_block, p_hold, p_expires, p_default_limit);
            return;
        end if;
        v_refused := v_refused || array(select x from unnest(v_block) x where not (x = any(v_mine)));
    end loop;

    return query select 'none-together'::text, null::uuid, null::text, null::text, null::int, null::bigint,
                        null::timestamptz, null::boolean, null::int, null::int;
end;
$$;
