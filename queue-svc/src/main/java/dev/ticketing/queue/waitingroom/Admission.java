package dev.ticketing.queue.waitingroom;

/** One user moved from the line into the active set; {@code arrivalScore} = arrival ms * 1000 + tie-breaker. */
public record Admission(String userId, long arrivalScore) {

    public long arrivalMillis() {
        return arrivalScore / 1000;
    }
}
