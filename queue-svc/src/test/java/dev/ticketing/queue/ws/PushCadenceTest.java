package dev.ticketing.queue.ws;

import dev.ticketing.queue.waitingroom.EntryStatus;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A waiting fan's socket gets a frame when what the fan sees changed, else only the heartbeat. */
class PushCadenceTest {

    private static WaitingRoomSockets.Socket socket() {
        return new WaitingRoomSockets.Socket(null, "perf", "fan", "ticket", null, 0, new AtomicLong(),
                new AtomicReference<>(), new AtomicLong());
    }

    private static EntryStatus waiting(long position, long etaSeconds) {
        return new EntryStatus(EntryStatus.Status.WAITING, position, position - 1, etaSeconds, null, "ticket", null,
                null, null, null);
    }

    @Test
    void unchangedPlacesWaitForTheHeartbeatChangesGoAtOnce() {
        WaitingRoomSockets.Socket s = socket();
        assertTrue(s.due(waiting(500, 300), 1_000, 5_000), "the first frame");
        assertFalse(s.due(waiting(500, 300), 2_000, 5_000), "nothing new a second later");
        assertFalse(s.due(waiting(500, 305), 3_000, 5_000), "an estimate the page shows the same (10 s steps)");
        assertTrue(s.due(waiting(500, 305), 6_000, 5_000), "the heartbeat");
        assertTrue(s.due(waiting(499, 305), 6_500, 5_000), "a new position: at once");
        assertTrue(s.due(EntryStatus.admitted("token", "ticket", null), 6_600, 5_000), "the admission: at once");
        assertTrue(s.due(new EntryStatus(EntryStatus.Status.SOLD_OUT, 499, 498, 0, null, "ticket", null, null, null,
                null), 6_700, 5_000), "sold out: at once");
    }

    @Test
    void shortEstimatesAreShownToTheSecond() {
        WaitingRoomSockets.Socket s = socket();
        assertTrue(s.due(waiting(3, 12), 0, 5_000));
        assertTrue(s.due(waiting(3, 11), 1_000, 5_000));
    }

    @Test
    void withoutAHeartbeatSettingEveryPeriodSends() {
        WaitingRoomSockets.Socket s = socket();
        assertTrue(s.due(waiting(7, 30), 0, 0));
        assertTrue(s.due(waiting(7, 30), 1, 0));
    }
}
