package dev.ticketing.queue.waitingroom;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * The JSON answers of the room scripts (lua/*.lua), read by name. Absent lists are empty. Read by Jackson through
 * reflection: registered for a native image.
 */
final class ScriptReplies {

    private ScriptReplies() {
    }

    /**
     * {@code kind} P (pre-queued until {@code opensAt}), W (waiting, {@code rank} 0-based), A (admitted, session
     * {@code sid} until {@code expiresAt}), N.
     */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record PlaceReply(String kind, long rank, long expiresAt, String sid, String token, long opensAt) {

        Place place() {
            return switch (kind == null ? "N" : kind) {
                case "P" -> new Place.PreQueued(opensAt);
                case "W" -> new Place.Waiting(rank);
                case "A" -> new Place.Admitted(expiresAt, sid, token);
                default -> new Place.Absent();
            };
        }
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record AdmittedReply(String user, String arrival, String sid, long expiresAt) {

        Admission admission() {
            return new Admission(user, Long.parseLong(arrival), sid, expiresAt);
        }
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record EnterReply(boolean noRoom, PlaceReply place, String ticket, boolean kept, long rateMilli, boolean stalled,
                      boolean soldOut, List<AdmittedReply> admitted) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record AdmitReply(boolean live, boolean soldOut, long waiting, long active, long prequeued, long inversions,
                      List<AdmittedReply> admitted) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record PositionsReply(boolean live, long rateMilli, boolean stalled, boolean soldOut, List<PlaceReply> places) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record LeaveReply(boolean ended) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ReleaseReply(boolean applied, boolean freed) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record GrantReply(int stored) {
    }

    static List<Admission> admissions(List<AdmittedReply> admitted) {
        return admitted == null ? List.of() : admitted.stream().map(AdmittedReply::admission).toList();
    }
}
