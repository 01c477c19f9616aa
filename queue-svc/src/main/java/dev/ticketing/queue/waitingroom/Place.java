package dev.ticketing.queue.waitingroom;

/** Where a user is in a room, as Redis saw it. */
public sealed interface Place {

    /** {@code rank} 0-based: 0 = head of the line. */
    record Waiting(long rank) implements Place {
    }

    /** An admission: session {@code sessionId} until {@code sessionExpiresAtMillis}; {@code token} null until signed. */
    record Admitted(long sessionExpiresAtMillis, String sessionId, String token) implements Place {
    }

    /** In the pre-queue of a scheduled opening, not drawn yet; {@code opensAtMillis} 0 when the opening is now. */
    record PreQueued(long opensAtMillis) implements Place {
    }

    record Absent() implements Place {
    }
}
