package dev.ticketing.booking;

import dev.ticketing.booking.hold.HoldService;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Redis seat gate refuses known-taken seats without the database, and always converges on the database. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class SeatGateTest extends BookingTestBase {

    @Inject
    MeterRegistry metrics;

    @Inject
    RedisDataSource redis;

    @Inject
    HoldService holds;

    @Inject
    dev.ticketing.booking.hold.SeatGate gate;

    double gateRefusals() {
        return metrics.counter("booking.seat_gate.refusals").count();
    }

    String gateKey(Show show) {
        return "seats:{" + show.performanceId() + "}:" + show.showtimeId() + ":taken";
    }

    @Test
    void aTakenSeatIsRefusedByTheGateAndAReleasedOneReopensAtOnce() {
        Show show = newShow(1, 3);
        String alice = fan();
        String holdId = hold(alice, show, show.seatIds().subList(0, 1)).then().statusCode(201).extract().path("holdId");
        double before = gateRefusals();
        hold(fan(), show, show.seatIds().subList(0, 1)).then().statusCode(409);
        assertEquals(before + 1, gateRefusals(), "refused by the gate, not by a database transaction");

        // the holder herself is not stopped by the gate: re-holding her seat plus another replaces her hold
        hold(alice, show, show.seatIds().subList(0, 2)).then().statusCode(201);
        holdId = hold(alice, show, show.seatIds().subList(0, 1)).then().statusCode(201).extract().path("holdId");
        as(tokenOf(alice)).delete("/api/showtimes/" + show.showtimeId() + "/holds/" + holdId).then().statusCode(204);
        hold(fan(), show, show.seatIds().subList(0, 1)).then().statusCode(201);
    }

    /**
     * A transaction's gate writes (a batch of payment results settles many orders) land together after its commit —
     * one ZADD and one ZREM per showtime, a seat's last change winning — and not at all when it rolls back.
     */
    @Test
    void gateWritesOfATransactionLandTogetherAfterCommitAndNeverAfterARollback() {
        Show one = newShow(1, 4);
        Show two = newShow(1, 2);
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            gate.markTakenAfterCommit(one.showtimeId(), java.util.Map.of(one.seatIds().get(0), Long.MAX_VALUE));
            gate.markTakenAfterCommit(one.showtimeId(), java.util.Map.of(one.seatIds().get(1), Long.MAX_VALUE,
                    one.seatIds().get(2), Long.MAX_VALUE));
            gate.releaseAfterCommit(one.showtimeId(), List.of(one.seatIds().get(2))); // its last change: back on sale
            gate.markTakenAfterCommit(two.showtimeId(), java.util.Map.of(two.seatIds().get(0), Long.MAX_VALUE));
            assertEquals(0, redis.sortedSet(String.class).zcard(gateKey(one)), "nothing before the commit");
        });
        var zset = redis.sortedSet(String.class);
        assertEquals(java.util.OptionalDouble.of(Double.POSITIVE_INFINITY), zset.zscore(gateKey(one), one.seatIds().get(0)));
        assertEquals(java.util.OptionalDouble.of(Double.POSITIVE_INFINITY), zset.zscore(gateKey(one), one.seatIds().get(1)));
        assertEquals(java.util.OptionalDouble.empty(), zset.zscore(gateKey(one), one.seatIds().get(2)));
        assertEquals(java.util.OptionalDouble.of(Double.POSITIVE_INFINITY), zset.zscore(gateKey(two), two.seatIds().get(0)));

        try {
            io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
                gate.markTakenAfterCommit(one.showtimeId(), java.util.Map.of(one.seatIds().get(3), Long.MAX_VALUE));
                throw new IllegalStateException("rolled back");
            });
        } catch (IllegalStateException expected) {
            // the transaction rolled back
        }
        assertEquals(java.util.OptionalDouble.empty(), zset.zscore(gateKey(one), one.seatIds().get(3)));
        // the seats were never held in the database: let the reconciliation of other tests see a clean gate
        redis.key().del(gateKey(one), gateKey(two));
    }

    /** The gate's scripts go by SHA (EVALSHA); a server that lost them (restart, SCRIPT FLUSH) is sent them again. */
    @Test
    void scriptsTheServerForgotAreSentAgain() {
        Show show = newShow(1, 2);
        redis.execute("SCRIPT", "FLUSH");
        hold(fan(), show, show.seatIds().subList(0, 1)).then().statusCode(201);
        redis.execute("SCRIPT", "FLUSH");
        double before = gateRefusals();
        hold(fan(), show, show.seatIds().subList(0, 1)).then().statusCode(409);
        assertEquals(before + 1, gateRefusals(), "refused by the gate: its writes after commit landed too");
    }

    @Test
    void aLostGateIsRelearnedFromTheDatabase() {
        Show show = newShow(1, 2);
        hold(fan(), show, show.seatIds().subList(0, 1)).then().statusCode(201);
        redis.key().del(gateKey(show)); // e.g. Redis restarted without persistence
        double before = gateRefusals();
        hold(fan(), show, show.seatIds().subList(0, 1)).then().statusCode(409); // the database refuses...
        assertEquals(before, gateRefusals());
        hold(fan(), show, show.seatIds().subList(0, 1)).then().statusCode(409); // ...and taught the gate
        assertEquals(before + 1, gateRefusals());
    }

    @Test
    void aStaleTakenEntryIsHealedByReconciliation() {
        Show show = newShow(1, 2);
        String seat = show.seatIds().get(1);
        hold(fan(), show, show.seatIds().subList(0, 1)).then().statusCode(201); // activity on this showtime
        // a removal that never reached Redis: the gate wrongly says seat 1 is sold
        redis.sortedSet(String.class).zadd(gateKey(show), Double.POSITIVE_INFINITY, seat);
        hold(fan(), show, List.of(seat)).then().statusCode(409);
        holds.reconcileGate(Duration.ofMinutes(2));
        hold(fan(), show, List.of(seat)).then().statusCode(201);
        hold(fan(), show, show.seatIds().subList(0, 1)).then().statusCode(409); // real holds survived the rebuild
    }
}
