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
