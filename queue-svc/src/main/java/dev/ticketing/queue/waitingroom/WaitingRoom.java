package dev.ticketing.queue.waitingroom;

import dev.ticketing.queue.admission.AdmissionTokens;
import dev.ticketing.queue.room.RoomNotFoundException;
import dev.ticketing.queue.room.RoomScripts;
import dev.ticketing.queue.room.RoomScripts.Script;
import dev.ticketing.queue.waitingroom.ScriptReplies.AdmitReply;
import dev.ticketing.queue.waitingroom.ScriptReplies.EnterReply;
import dev.ticketing.queue.waitingroom.ScriptReplies.GrantReply;
import dev.ticketing.queue.waitingroom.ScriptReplies.LeaveReply;
import dev.ticketing.queue.waitingroom.ScriptReplies.PlaceReply;
import dev.ticketing.queue.waitingroom.ScriptReplies.PositionsReply;
import dev.ticketing.queue.waitingroom.ScriptReplies.ReleaseReply;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The waiting room of one performance. Every state change is one Lua script (lua/*.lua), so any number of pods can
 * serve the same room: Java never reads a value and then writes based on it. Nothing here blocks: a fan's request
 * is one Redis round trip on the event loop. The one CPU-heavy step, signing an admission token (RS256), happens once
 * per admission on a worker thread, and the token is kept in the room for every later read.
 */
@ApplicationScoped
public class WaitingRoom {

    /** Result of entering: the user's status, and whether an existing place/session was kept. */
    public record Entry(EntryStatus status, boolean kept, List<Admission> admitted) {
    }

    /** An admission with its signed token. */
    public record Granted(Admission admission, String token) {
    }

    /** Result of one admission round. */
    public record AdmitRound(boolean live, boolean soldOut, long waiting, long active, long prequeued, long inversions,
                             List<Granted> admitted) {
    }

    /**
     * The room's admit rate (per second x 1000), whether admissions are stalled (see EntryStatus), and whether they
     * stopped because every seat is sold.
     */
    public record Pace(long rateMilli, boolean stalled, boolean soldOut) {
    }

    /** Places of many users at once, plus the room's pace. */
    public record Positions(boolean live, Pace pace, Map<String, Place> places) {
    }

    /**
     * The opening draws' seeds: unpredictable until the draw has run, published in the audit afterwards. Per bean, not
     * static: a native image initialises classes at build time and would bake a static SecureRandom, seed and all,
     * into the image (the native build refuses it).
     */
    private final SecureRandom seeds = new SecureRandom();
    private final RoomScripts scripts;
    private final AdmissionTokens tokens;
    private final QueueMetrics metrics;

    public WaitingRoom(RoomScripts scripts, AdmissionTokens tokens, QueueMetrics metrics) {
        this.scripts = scripts;
        this.tokens = tokens;
        this.metrics = metrics;
    }

    /**
     * Puts the user at the back of the line, unless they are admitted (session kept) or present their current ticket
     * within the reconnect grace period (place kept). {@code presentedTicket} may be null.
     */
    public Uni<Entry> enter(String performanceId, String userId, String presentedTicket) {
        Map<String, Object> args = Map.of("user", userId, "ticket", UUID.randomUUID().toString(),
                "presented", presentedTicket == null ? "" : presentedTicket);
        return scripts.run(Script.ENTER, performanceId, args, EnterReply.class).flatMap(r -> {
            if (r.noRoom()) {
                return Uni.createFrom().failure(new RoomNotFoundException(performanceId));
            }
            List<Admission> admitted = ScriptReplies.admissions(r.admitted());
            metrics.admitted(performanceId, admitted);
            return signed(performanceId, userId, r.place().place())
                    .map(place -> new Entry(view(place, new Pace(r.rateMilli(), r.stalled(), r.soldOut()), r.ticket(),
                            System.currentTimeMillis()), r.kept(), admitted));
        });
    }

    /** The user's status, or null when they are not in the room. */
    public Uni<EntryStatus> status(String performanceId, String userId) {
        return positions(performanceId, List.of(userId), false)
                .flatMap(p -> signed(performanceId, userId, p.places().get(userId))
                        .map(place -> view(place, p.pace(), null, System.currentTimeMillis())));
    }

    /** One round trip for all the given users (a slice of a pod's sockets). {@code connected} clears disconnect marks. */
    public Uni<Positions> positions(String performanceId, List<String> users, boolean connected) {
        return scripts.run(Script.POSITIONS, performanceId, Map.of("users", users, "touch", connected), PositionsReply.class)
                .map(r -> {
                    Map<String, Place> places = new HashMap<>(users.size() * 2);
                    List<PlaceReply> replies = r.places() == null ? List.of() : r.places();
                    for (int i = 0; i < users.size() && i < replies.size(); i++) {
                        places.put(users.get(i), replies.get(i).place());
                    }
                    return new Positions(r.live(), new Pace(r.rateMilli(), r.stalled(), r.soldOut()), places);
                });
    }

    /** Leaves the line or ends the admission; the next admission round hands the slot on. */
    public Uni<Boolean> leave(String performanceId, String userId) {
        return scripts.run(Script.LEAVE, performanceId, Map.of("user", userId), LeaveReply.class).map(LeaveReply::ended);
    }

    /** The user's last socket on this pod closed: starts the reconnect grace period. */
    public Uni<Void> disconnected(String performanceId, String userId) {
        return scripts.run(Script.DISCONNECT, performanceId, Map.of("user", userId), Map.class).replaceWithVoid();
    }

    /** A BookingCompleted/BookingAbandoned: ends the user's admission. False for a duplicate event. */
    public Uni<Boolean> release(String eventId, String performanceId, String userId) {
        return scripts.run(Script.RELEASE, performanceId, Map.of("eventId", eventId, "user", userId), ReleaseReply.class)
                .map(ReleaseReply::applied);
    }

    /**
     * One admission round: reap expired sessions and lost waiters, draw the pre-queue once the opening has come (with
     * a fresh seed from a SecureRandom, used only by the round that starts the draw), admit from the head while
     * active < capacity, then sign each new admission's token once (on a worker thread) and keep it in the room.
     */
    public Uni<AdmitRound> admit(String performanceId) {
        return scripts.run(Script.ADMIT, performanceId, Map.of("seed", newSeed()), AdmitReply.class).flatMap(r -> {
            List<Admission> admitted = ScriptReplies.admissions(r.admitted());
            metrics.admitted(performanceId, admitted);
            if (admitted.isEmpty()) {
                return Uni.createFrom().item(new AdmitRound(r.live(), r.soldOut(), r.waiting(), r.active(), r.prequeued(),
                        r.inversions(), List.of()));
            }
            return grant(performanceId, admitted).map(granted -> new AdmitRound(r.live(), r.soldOut(), r.waiting(), r.active(),
                    r.prequeued(), r.inversions(), granted));
        });
    }

    /** Signs the admissions' tokens off the event loop and stores those whose session is still current. */
    private Uni<List<Granted>> grant(String performanceId, List<Admission> admitted) {
        return Uni.createFrom().item(() -> {
                    List<Granted> granted = new ArrayList<>(admitted.size());
                    for (Admission a : admitted) {
                        granted.add(new Granted(a, tokens.issue(performanceId, a.userId(), a.sessionId(),
                                a.sessionExpiresAtMillis())));
                    }
                    return granted;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(granted -> {
                    List<Map<String, String>> grants = granted.stream().map(g -> Map.of("user", g.admission().userId(),
                            "sid", g.admission().sessionId(), "token", g.token())).toList();
                    return scripts.run(Script.GRANT, performanceId, Map.of("grants", grants), GrantReply.class)
                            .replaceWith(granted);
                });
    }

    /** An admitted place whose token was not stored yet (an admission a moment ago): signs and stores it now. */
    public Uni<Place> signed(String performanceId, String userId, Place place) {
        if (place instanceof Place.Admitted a && a.token() == null) {
            Admission admission = new Admission(userId, 0, a.sessionId(), a.sessionExpiresAtMillis());
            return grant(performanceId, List.of(admission))
                    .map(g -> new Place.Admitted(a.sessionExpiresAtMillis(), a.sessionId(), g.get(0).token()));
        }
        return Uni.createFrom().item(place);
    }

    /**
     * The public view of a place at {@code nowMillis}; null when absent. Never signs: an admitted place carries its
     * token. While the performance is sold out a waiting or pre-queued fan sees SOLD_OUT (a waiting one with the place
     * it keeps), an admitted one keeps the admission.
     */
    public static EntryStatus view(Place place, Pace pace, String ticket, long nowMillis) {
        if (pace.soldOut() && (place instanceof Place.Waiting || place instanceof Place.PreQueued)) {
            long position = place instanceof Place.Waiting w ? w.rank() + 1 : 0;
            return new EntryStatus(EntryStatus.Status.SOLD_OUT, position, Math.max(0, position - 1), 0, null, ticket,
                    null, null, null, null);
        }
        if (place instanceof Place.Waiting w) {
            return new EntryStatus(EntryStatus.Status.WAITING, w.rank() + 1, w.rank(),
                    estimatedWaitSeconds(w.rank() + 1, pace.rateMilli()), null, ticket, null, null, null,
                    pace.stalled() ? Boolean.TRUE : null);
        }
        if (place instanceof Place.Admitted a) {
            return EntryStatus.admitted(a.token(), ticket, null);
        }
        if (place instanceof Place.PreQueued p) {
            long in = Math.max(0, (p.opensAtMillis() - nowMillis + 999) / 1000);
            return new EntryStatus(EntryStatus.Status.BEFORE_OPENING, 0, 0, 0, null, ticket, null,
                    p.opensAtMillis() > 0 ? Instant.ofEpochMilli(p.opensAtMillis()) : null, in, null);
        }
        return null;
    }

    /**
     * The fan's own turn: position ÷ measured admit rate, rounded up — position 1 waits for the next free slot, not
     * "0 s" while nobody is being admitted.
     */
    static long estimatedWaitSeconds(long position, long admitRateMilli) {
        if (position <= 0) {
            return 0;
        }
        return (position * 1000 + Math.max(1, admitRateMilli) - 1) / Math.max(1, admitRateMilli);
    }

    private String newSeed() {
        byte[] seed = new byte[16];
        seeds.nextBytes(seed);
        return HexFormat.of().formatHex(seed);
    }
}
