package dev.ticketing.queue.waitingroom;

/**
 * One user moved from the line into the active set: {@code arrivalScore} = arrival ms * 1000 + tie-breaker, a new
 * session {@code sessionId} that ends at {@code sessionExpiresAtMillis}.
 */
public record Admission(String userId, long arrivalScore, String sessionId, long sessionExpiresAtMillis) {

    public long arrivalMillis() {
        return arrivalScore / 1000;
    }
}
