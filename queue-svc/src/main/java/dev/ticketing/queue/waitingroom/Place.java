package dev.ticketing.queue.waitingroom;

/** Where a user is in a room, as Redis saw it. */
public sealed interface Place {

    /** {@code rank} 0-based: 0 = head of the line. */
    record Waiting(long rank) implements Place {
    }

    record Admitted(long sessionExpiresAtMillis) implements Place {
    }

    record Absent() implements Place {
    }

    static Place of(String kind, long value) {
        return switch (kind) {
            case "W" -> new Waiting(value);
            case "A" -> new Admitted(value);
            default -> new Absent();
        };
    }
}
