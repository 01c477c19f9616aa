-- An order in one statement (booking-svc's OrderService.place): the order path's database work in one round trip,
-- plus the outbox row and the commit. The fan's own hold row is locked first (a double click waits there and then
-- finds the order), then the hold's seats move to the order; the caller rolls back when the outcome is not 'placed'
-- or 'existing'.
--
-- Outcomes: 'placed' (a new PENDING order), 'existing' (the hold was already ordered: that order), 'no-hold' (no such
-- hold of this fan; the performance of another fan's hold comes back, for the admission check), 'expired' (the hold is no longer live), 'incomplete' (the hold lost some of its seats; the seat
-- rows were changed, so the caller must roll back).
create or replace function place_order(p_hold uuid, p_user text, p_order uuid, p_expires timestamptz)
    returns table (outcome text, order_id uuid, status text, performance_id uuid, showtime_id uuid, seat_ids text[],
                   amount bigint, currency text, failure_reason text, expires_at timestamptz, created_at timestamptz)
    language plpgsql
as $$
#variable_conflict use_column
declare
    v_hold   seat_hold%rowtype;
    v_seats  text[];
    v_amount bigint;
begin
    select * into v_hold from seat_hold h where h.id = p_hold and h.user_id = p_user for update;
    if not found then
        -- Someone else's hold, or none: its performance (when it exists) still comes back, for the admission check
        -- the caller makes before answering 404.
        return query select 'no-hold'::text, null::uuid, null::text, h.performance_id, null::uuid, null::text[],
                            null::bigint, null::text, null::text, null::timestamptz, null::timestamptz
                       from (select 1) one left join seat_hold h on h.id = p_hold;
        return;
    end if;
    if v_hold.status = 'ORDERED' then
        return query select 'existing'::text, o.id, o.status, o.performance_id, o.showtime_id,
                            array(select s.seat_id::text from order_seat s where s.order_id = o.id order by s.seat_id),
                            o.amount, o.currency, o.failure_reason, o.expires_at, o.created_at
                       from booking_order o where o.hold_id = p_hold;
        return;
    end if;
    if v_hold.status <> 'ACTIVE' or v_hold.expires_at <= now() then
        return query select 'expired'::text, null::uuid, null::text, v_hold.performance_id, v_hold.showtime_id,
                            null::text[], null::bigint, null::text, null::text, null::timestamptz, null::timestamptz;
        return;
    end if;
    -- The seats move from the hold to the order and stay off sale until the payment result arrives.
    with moved as (
        update seat s set order_id = p_order, held_until = p_expires
         where s.hold_id = p_hold and s.status = 'HELD' and s.order_id is null and s.held_until > now()
        returning s.id, s.price)
    select array_agg(m.id::text order by m.id), coalesce(sum(m.price), 0) into v_seats, v_amount from moved m;
    if coalesce(array_length(v_seats, 1), 0) <> v_hold.seat_count then
        return query select 'incomplete'::text, null::uuid, null::text, v_hold.performance_id, v_hold.showtime_id,
                            null::text[], null::bigint, null::text, null::text, null::timestamptz, null::timestamptz;
        return;
    end if;
    update seat_hold h set status = 'ORDERED' where h.id = p_hold;
    insert into booking_order (id, hold_id, user_id, performance_id, showtime_id, amount, status, expires_at)
    values (p_order, p_hold, p_user, v_hold.performance_id, v_hold.showtime_id, v_amount, 'PENDING', p_expires);
    insert into order_seat (order_id, seat_id) select p_order, unnest(v_seats)::uuid;
    return query select 'placed'::text, o.id, o.status, o.performance_id, o.showtime_id, v_seats, o.amount, o.currency,
                        o.failure_reason, o.expires_at, o.created_at
                   from booking_order o where o.id = p_order;
end;
$$;
