package dev.ticketing.booking.messaging;

/**
 * A record that can never be applied however long we wait (not JSON, no type, a followed type with missing fields).
 * Consumers throw it instead of retrying: the record is nacked and goes to the channel's dead-letter topic, so it
 * neither blocks its partition nor disappears.
 */
public class UnprocessableEvent extends RuntimeException {

    public UnprocessableEvent(String message) {
        super(message, null, false, false); // expected and frequent under fuzzing: no stack trace
    }
}
