package dev.ticketing.queue.waitingroom;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;

/**
 * What a user sees of their place (REST and WebSocket alike). {@code position} is 1-based (1 = next to be admitted),
 * {@code ahead} = position - 1; admitted users get 0/0/0 and their admission token. {@code estimatedWaitSeconds}
 * counts the fan's own turn: position ÷ the measured admit rate. {@code admissionsStalled} is true (absent otherwise)
 * when nobody was admitted lately although the room is full, so the estimate is the sessions' turnover rather than
 * anything observed. Pre-queued fans ({@code BEFORE_OPENING}) have no position: they get {@code opensAt} and
 * {@code opensInSeconds} (0 once the opening has come and the draw is under way). {@code ticket} lets a socket that
 * reconnects after a network blip keep the place (query parameter {@code ticket}). {@code sentAt} (server epoch ms)
 * is set on WebSocket frames only. {@code SOLD_OUT}: every seat of the performance is sold (booking-svc said so);
 * nobody is admitted, a waiting fan keeps {@code position} in case seats come back (then WAITING again). Registered for reflection: the WebSocket frames are written by our ObjectMapper,
 * outside any endpoint signature (native images).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntryStatus(Status status, long position, long ahead, long estimatedWaitSeconds, String admissionToken,
                          String ticket, Long sentAt, Instant opensAt, Long opensInSeconds, Boolean admissionsStalled) {

    public enum Status {
        BEFORE_OPENING, WAITING, ADMITTED,
        /** Every seat is sold: nobody is admitted; the fan keeps the place (position) should seats come back. */
        SOLD_OUT
    }

    public static EntryStatus admitted(String token, String ticket, Long sentAt) {
        return new EntryStatus(Status.ADMITTED, 0, 0, 0, token, ticket, sentAt, null, null, null);
    }

    public EntryStatus sentAt(long epochMillis) {
        return new EntryStatus(status, position, ahead, estimatedWaitSeconds, admissionToken, ticket, epochMillis,
                opensAt, opensInSeconds, admissionsStalled);
    }
}
