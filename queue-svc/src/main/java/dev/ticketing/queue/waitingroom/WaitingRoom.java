package dev.ticketing.queue.waitingroom;

import dev.ticketing.queue.admission.AdmissionTokens;
import dev.ticketing.queue.room.RoomNotFoundException;
import dev.ticketing.queue.room.RoomScripts;
import dev.ticketing.queue.room.RoomScripts.Script;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The waiting room of one performance. Every state change is one Lua script (lua/*.lua), so any number of pods can
 * serve the same room: Java never reads a value and then writes based on it.
 */
@ApplicationScoped
public class WaitingRoom {

    /** Result of entering: the user's status, and whether an existing place/session was kept. */
    public record Entry(EntryStatus status, boolean kept, List<Admission> admitted) {
    }

    /** Result of one admission round. */
    public record AdmitRound(boolean live, long waiting, long active, long inversions, List<Admission> admitted) {
    }

    /** Places of many users at once, plus the room's admit rate (per second x 1000) and sizes. */
    public record Positions(boolean live, long admitRateMilli, long waiting, long active, Map<String, Place> places) {
    }

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
    public Entry enter(String performanceId, String userId, String presentedTicket) {
        Response r = scripts.run(Script.ENTER, performanceId, userId, UUID.randomUUID().toString(),
                presentedTicket == null ? "" : presentedTicket);
        if (r.get(0).toString().equals("NOROOM")) {
            throw new RoomNotFoundException(performanceId);
        }
        List<Admission> admitted = admissions(r, 5);
        metrics.admitted(performanceId, admitted);
        Place place = Place.of(r.get(0).toString(), r.get(1).toLong());
        EntryStatus status = view(performanceId, userId, place, r.get(4).toLong(), r.get(2).toString());
        return new Entry(status, r.get(3).toInteger() == 1, admitted);
    }

    /** The user's status, or null when they are not in the room. */
    public EntryStatus status(String performanceId, String userId) {
        Positions p = positions(performanceId, List.of(userId), false);
        return view(performanceId, userId, p.places().get(userId), p.admitRateMilli(), null);
    }

    /** One round trip for all the given users (the per-pod ticker). {@code connected} clears disconnect marks. */
    public Positions positions(String performanceId, List<String> users, boolean connected) {
        List<String> args = new ArrayList<>(users.size() + 1);
        args.add(connected ? "1" : "0");
        args.addAll(users);
        Response r = scripts.run(Script.POSITIONS, performanceId, args);
        Map<String, Place> places = new HashMap<>(users.size() * 2);
        for (int i = 0; i < users.size(); i++) {
            places.put(users.get(i), Place.of(r.get(4 + 2 * i).toString(), r.get(5 + 2 * i).toLong()));
        }
        return new Positions(r.get(0).toInteger() == 1, r.get(1).toLong(), r.get(2).toLong(), r.get(3).toLong(), places);
    }

    /** Leaves the line or ends the session; a freed slot is handed to the head of the line at once. */
    public void leave(String performanceId, String userId) {
        Response r = scripts.run(Script.LEAVE, performanceId, userId);
        metrics.admitted(performanceId, admissions(r, 1));
    }

    /** The user's last socket on this pod closed: starts the reconnect grace period. */
    public void disconnected(String performanceId, String userId) {
        scripts.run(Script.DISCONNECT, performanceId, userId);
    }

    /** A BookingCompleted/BookingAbandoned: frees the user's slot. False for a duplicate event. */
    public boolean release(String eventId, String performanceId, String userId) {
        Response r = scripts.run(Script.RELEASE, performanceId, eventId, userId);
        metrics.admitted(performanceId, admissions(r, 1));
        return r.get(0).toInteger() > 0;
    }

    /** One admission round: reap expired sessions, admit from the head while active < capacity. */
    public AdmitRound admit(String performanceId) {
        Response r = scripts.run(Script.ADMIT, performanceId);
        List<Admission> admitted = admissions(r, 4);
        metrics.admitted(performanceId, admitted);
        return new AdmitRound(r.get(0).toInteger() == 1, r.get(1).toLong(), r.get(2).toLong(), r.get(3).toLong(), admitted);
    }

    /** The public view of a place; null when absent. */
    public EntryStatus view(String performanceId, String userId, Place place, long admitRateMilli, String ticket) {
        if (place instanceof Place.Waiting w) {
            return new EntryStatus(EntryStatus.Status.WAITING, w.rank() + 1, w.rank(),
                    estimatedWaitSeconds(w.rank(), admitRateMilli), null, ticket);
        }
        if (place instanceof Place.Admitted a) {
            return new EntryStatus(EntryStatus.Status.ADMITTED, 0, 0, 0,
                    tokens.issue(performanceId, userId, a.sessionExpiresAtMillis()), ticket);
        }
        return null;
    }

    /** ahead ÷ measured admit rate, rounded up. */
    static long estimatedWaitSeconds(long ahead, long admitRateMilli) {
        if (ahead == 0) {
            return 0;
        }
        return (ahead * 1000 + Math.max(1, admitRateMilli) - 1) / Math.max(1, admitRateMilli);
    }

    private static List<Admission> admissions(Response r, int from) {
        List<Admission> out = new ArrayList<>();
        for (int i = from; i + 1 < r.size(); i += 2) {
            out.add(new Admission(r.get(i).toString(), r.get(i + 1).toLong()));
        }
        return out;
    }
}
