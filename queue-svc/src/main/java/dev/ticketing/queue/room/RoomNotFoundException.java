package dev.ticketing.queue.room;

/**
 * No room for this performance (never published, or deleted), or the user has no place in it: 404. An expected
 * answer, so no stack trace is taken.
 */
public class RoomNotFoundException extends RuntimeException {

    public RoomNotFoundException(String performanceId) {
        super("No waiting room for performance " + performanceId, null, false, false);
    }

    protected RoomNotFoundException(String message, boolean ignored) {
        super(message, null, false, false);
    }

    /** The room exists (or not), but the caller is neither waiting nor admitted in it. */
    public static class NotInRoom extends RoomNotFoundException {
        public NotInRoom(String performanceId) {
            super("You are not in the waiting room of performance " + performanceId, true);
        }
    }
}
