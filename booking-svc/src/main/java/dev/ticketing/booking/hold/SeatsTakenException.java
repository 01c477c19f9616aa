package dev.ticketing.booking.hold;

import dev.ticketing.booking.problem.ProblemException;

import java.util.List;

/** Some requested seats are taken (409) or are not seats of this showtime at all (400). */
public class SeatsTakenException extends ProblemException {
    private final List<String> seatIds;

    public SeatsTakenException(List<String> missing, List<String> unknown) {
        super(unknown.isEmpty() ? 409 : 400, unknown.isEmpty() ? "Seats Taken" : "Bad Request",
                unknown.isEmpty() ? "These seats are already held or sold: " + String.join(", ", missing)
                        : "These are not seats of this showtime: " + String.join(", ", unknown));
        this.seatIds = unknown.isEmpty() ? missing : unknown;
    }

    public List<String> seatIds() {
        return seatIds;
    }
}
