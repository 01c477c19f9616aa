package dev.ticketing.booking.hold;

import dev.ticketing.booking.problem.ProblemException;

/** The hold would give the fan more tickets for the performance than its per-fan limit allows (409). */
public class TicketLimitException extends ProblemException {
    private final int limit;
    private final int held;

    public TicketLimitException(int limit, int held) {
        super(409, "Ticket Limit Reached", "at most " + limit + " tickets per fan for this performance; you already have "
                + held);
        this.limit = limit;
        this.held = held;
    }

    public int limit() {
        return limit;
    }

    public int held() {
        return held;
    }
}
