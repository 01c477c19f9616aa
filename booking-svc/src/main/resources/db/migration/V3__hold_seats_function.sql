-- A hold in one statement (booking-svc's HoldService): the hold path's database work in one round trip, plus the
-- commit. All or nothing: either every requested seat is taken for the new hold — the fan's previous live hold on the
-- showtime released in the same step — or nothing changes and the rows say which seats are taken or unknown.
--
-- Locks, always in the same order: the fan's own live hold row first (a parallel request of the same fan waits
-- there), then every seat row involved — requested or in the previous hold — in id order, so overlapping holds never
-- deadlock. The availability check runs under those locks, inside the database: no check-then-act across round trips.
--
-- Rows: outcome 'held' (the new hold's seats), 'freed' (the previous hold's seats back on sale), 'taken' (held by
-- someone else until taken_until, or sold), 'unknown' (not a seat of this showtime), 'no-showtime' (showtime or its
-- performance gone).
create or replace function hold_seats(p_showtime uuid, p_user text, p_seats uuid[], p_hold uuid, p_expires timestamptz)
    returns table (outcome text, seat_id uuid, section text, row_label text, seat_number int, price bigint,
                   taken_until timestamptz, sold boolean)
    language plpgsql
as $$
#variable_conflict use_column
declare
    v_performance uuid;
    v_previous    uuid[];
    v_free        int;
begin
    select t.performance_id into v_performance
      from showtime t join performance p on p.id = t.performance_id
     where t.id = p_showtime and p.deleted_at is null;
    if v_performance is null then
        return query select 'no-showtime'::text, null::uuid, null::text, null::text, null::int, null::bigint,
                            null::timestamptz, null::boolean;
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
                   coalesce(s.status = 'SOLD', false)
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
        returning 'freed'::text, s.id, null::text, null::text, null::int, null::bigint, null::timestamptz, null::boolean;

    insert into seat_hold (id, showtime_id, performance_id, user_id, seat_count, status, expires_at)
    values (p_hold, p_showtime, v_performance, p_user, cardinality(p_seats), 'ACTIVE', p_expires);

    return query
        update seat s set status = 'HELD', hold_id = p_hold, order_id = null, held_until = p_expires
         where s.showtime_id = p_showtime and s.id = any(p_seats)
        returning 'held'::text, s.id, s.section, s.row_label, s.number, s.price, null::timestamptz, null::boolean;
end;
$$;
