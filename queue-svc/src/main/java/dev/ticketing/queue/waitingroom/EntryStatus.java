package dev.ticketing.queue.waitingroom;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a user sees of their place (REST and WebSocket alike). {@code position} is 1-based (1 = next to be admitted),
 * {@code ahead} = position - 1; admitted users get 0/0/0 and their admission token. {@code ticket} lets a socket that
 * reconnects after a network blip keep the place (query parameter {@code ticket}). {@code sentAt} (server epoch ms)
 * is set on WebSocket frames only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntryStatus(Status status, long position, long ahead, long estimatedWaitSeconds, String admissionToken,
                          String ticket, Long sentAt) {

    public enum Status {
        WAITING, ADMITTED
    }

    public EntryStatus sentAt(long epochMillis) {
        return new EntryStatus(status, position, ahead, estimatedWaitSeconds, admissionToken, ticket, epochMillis);
    }
}
