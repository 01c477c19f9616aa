package dev.ticketing.queue.room;

import java.time.Instant;

/** A new opening time for a room that has already opened (fans are in line or the draw ran): 409. */
public class RoomOpenedException extends RuntimeException {

    public RoomOpenedException(String performanceId, Instant openedAt) {
        super("The waiting room of performance " + performanceId + " has already opened"
                + (openedAt.toEpochMilli() > 0 ? " (scheduled for " + openedAt + ")" : "")
                + "; its opening time can no longer change", null, false, false);
    }
}
