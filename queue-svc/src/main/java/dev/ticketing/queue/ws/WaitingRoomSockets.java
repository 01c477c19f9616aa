package dev.ticketing.queue.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.queue.config.QueueConfig;
import dev.ticketing.queue.waitingroom.EntryStatus;
import dev.ticketing.queue.waitingroom.Place;
import dev.ticketing.queue.waitingroom.QueueMetrics;
import dev.ticketing.queue.waitingroom.WaitingRoom;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sockets of this pod, by room. Each socket belongs to one of {@code queue.push-slices} slices; a timer walks the
 * slices evenly over {@code queue.push-every}, so every socket's place is read once per period while the work is
 * spread over the second instead of arriving at once; a frame goes out when what the fan sees changed, or as a heartbeat
 * ({@code queue.push-unchanged-every}). Per room and slice: one Redis round trip for all its users
 * (lua/positions.lua), one JSON encoding per user (tabs share it), and the writes handed to each socket's own event
 * loop in one batch. Admissions are pushed at once, only to the admitted. Closing a socket is O(1).
 */
@ApplicationScoped
public class WaitingRoomSockets {

    static final TypedKey<String> USER = TypedKey.forString("queue.user");
    static final TypedKey<String> TICKET = TypedKey.forString("queue.ticket");
    static final TypedKey<Socket> SOCKET = new TypedKey<>("queue.socket");
    static final int NOT_IN_ROOM = 4404;
    /** Closed by the server: the client answered no ping for queue.socket-silence-limit. */
    static final int SILENT = 4408;

    /**
     * One open socket: its user, the ticket it entered with, the event loop it lives on, its slice, and when the
     * client was last heard from (opened, or a pong).
     */
    /** What a fan sees in a frame (sentAt aside): equal values mean nothing new to show. */
    record Seen(EntryStatus.Status status, long position, long ahead, long shownWait, Boolean stalled,
                java.time.Instant opensAt, boolean drawing, boolean admitted) {
    }

    record Socket(WebSocketConnection connection, String performanceId, String userId, String ticket, Context context,
                  int slice, AtomicLong heardAt, AtomicReference<Seen> lastSeen, AtomicLong lastSentAt) {

        void heard() {
            heardAt.set(System.currentTimeMillis());
        }

        /**
         * Whether a frame showing {@code status} is due: the fan would see something new, or the last frame is
         * {@code heartbeatMillis} old. Records it as sent when it is.
         */
        boolean due(EntryStatus status, long now, long heartbeatMillis) {
            Seen seen = new Seen(status.status(), status.position(), status.ahead(),
                    shownWait(status.estimatedWaitSeconds()), status.admissionsStalled(), status.opensAt(),
                    status.opensInSeconds() != null && status.opensInSeconds() == 0, status.admissionToken() != null);
            if (heartbeatMillis > 0 && seen.equals(lastSeen.get()) && now - lastSentAt.get() < heartbeatMillis) {
                return false;
            }
            lastSeen.set(seen);
            lastSentAt.set(now);
            return true;
        }

        /**
         * The estimate as a page shows it: seconds under a minute, 10 s steps under 10 minutes, minutes above. The
         * measured rate moves every second; a change a fan cannot see is not worth a frame.
         */
        static long shownWait(long seconds) {
            return seconds < 60 ? seconds : seconds < 600 ? 60 + seconds / 10 : 1_000 + seconds / 60;
        }
    }

    /** This pod's sockets of one room. */
    private static final class LocalRoom {
        final Set<Socket>[] slices;
        final AtomicBoolean[] inFlight;
        final Map<String, Set<Socket>> byUser = new ConcurrentHashMap<>();

        @SuppressWarnings("unchecked")
        LocalRoom(int n) {
            slices = new Set[n];
            inFlight = new AtomicBoolean[n];
            for (int i = 0; i < n; i++) {
                slices[i] = ConcurrentHashMap.newKeySet();
                inFlight[i] = new AtomicBoolean();
            }
        }
    }

    private final Map<String, LocalRoom> rooms = new ConcurrentHashMap<>();
    private final WaitingRoom room;
    private final QueueMetrics metrics;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final int slices;
    private final long heartbeatMillis;
    private final long tickMillis;
    private final long silenceLimitMillis;
    private final AtomicInteger nextSlice = new AtomicInteger();
    private final AtomicInteger connected = new AtomicInteger();
    private volatile boolean stopping;
    private long timer = -1;
    private long ticks;

    public WaitingRoomSockets(WaitingRoom room, QueueMetrics metrics, ObjectMapper json, Vertx vertx, QueueConfig config) {
        this.room = room;
        this.metrics = metrics;
        this.json = json;
        this.vertx = vertx;
        this.slices = Math.max(1, config.pushSlices());
        this.tickMillis = Math.max(1, config.pushEvery().toMillis() / slices);
        this.heartbeatMillis = config.pushUnchangedEvery().toMillis();
        this.silenceLimitMillis = config.socketSilenceLimit().toMillis();
    }

    void onStart(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(tickMillis, id -> tick());
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true; // the Redis client closes during shutdown: no new reads against it
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Registers an open socket (on its event loop, right after its entry). */
    Socket opened(WebSocketConnection connection, String performanceId, String userId, String ticket) {
        Socket s = new Socket(connection, performanceId, userId, ticket, Vertx.currentContext(),
                Math.floorMod(nextSlice.getAndIncrement(), slices), new AtomicLong(System.currentTimeMillis()),
                new AtomicReference<>(), new AtomicLong());
        LocalRoom local = rooms.computeIfAbsent(performanceId, k -> new LocalRoom(slices));
        local.slices[s.slice()].add(s);
        local.byUser.computeIfAbsent(userId, k -> ConcurrentHashMap.newKeySet()).add(s);
        connection.userData().put(SOCKET, s);
        connected.incrementAndGet();
        metrics.socketOpened();
        if (!connection.isOpen()) {
            closed(s); // closed while its entry was on the way
        }
        return s;
    }

    void closed(Socket s) {
        LocalRoom local = rooms.get(s.performanceId());
        if (local == null || !local.slices[s.slice()].remove(s)) {
            return;
        }
        connected.decrementAndGet();
        metrics.socketClosed();
        boolean[] lastTab = {false};
        local.byUser.computeIfPresent(s.userId(), (user, tabs) -> {
            tabs.remove(s);
            lastTab[0] = tabs.isEmpty();
            return lastTab[0] ? null : tabs;
        });
        if (lastTab[0] && !stopping) {
            // Other pods' sockets of the same user clear this mark on their next slice (positions.lua).
            room.disconnected(s.performanceId(), s.userId()).subscribe().with(x -> { },
                    e -> Log.debugf("disconnect mark for %s not set: %s", s.userId(), e.getMessage()));
        }
    }

    public int connected() {
        return connected.get();
    }

    private void tick() {
        if (stopping) {
            return;
        }
        int slice = (int) (ticks++ % slices);
        rooms.forEach((performanceId, local) -> pushSlice(performanceId, local, slice));
    }

    /** One round trip for the slice's users, then one batch of writes per event loop. Skipped while one is running. */
    private void pushSlice(String performanceId, LocalRoom local, int slice) {
        Set<Socket> sockets = local.slices[slice];
        if (sockets.isEmpty() || !local.inFlight[slice].compareAndSet(false, true)) {
            return;
        }
        List<Socket> batch = new ArrayList<>(sockets);
        Set<String> users = new LinkedHashSet<>();
        for (Socket s : batch) {
            users.add(s.userId());
        }
        room.positions(performanceId, new ArrayList<>(users), true).subscribe().with(positions -> {
            try {
                deliver(performanceId, batch, positions);
            } finally {
                local.inFlight[slice].set(false);
            }
        }, e -> {
            local.inFlight[slice].set(false);
            Log.debugf("positions of room %s not read: %s", performanceId, e.getMessage());
        });
    }

    private void deliver(String performanceId, List<Socket> batch, WaitingRoom.Positions positions) {
        long now = System.currentTimeMillis();
        Map<String, String> frames = new HashMap<>();
        Map<Context, List<Runnable>> writes = new IdentityHashMap<>();
        for (Socket s : batch) {
            if (silenceLimitMillis > 0 && now - s.heardAt().get() > silenceLimitMillis) {
                // Unanswered pings: a half-open connection. Forget it now (the grace period starts) and close it
                // without waiting for a close handshake that would never come.
                closed(s);
                writes.computeIfAbsent(s.context(), c -> new ArrayList<>()).add(() -> s.connection()
                        .close(new CloseReason(SILENT, "no answer to pings")).subscribe().with(x -> { }, x -> { }));
                continue;
            }
            Place place = positions.places().get(s.userId());
            if (place instanceof Place.Admitted a && a.token() == null) {
                // Admitted a moment ago by another pod that is still signing: sign here rather than wait.
                room.signed(performanceId, s.userId(), a).subscribe().with(
                        signed -> send(s, encode(EntryStatus.admitted(((Place.Admitted) signed).token(), s.ticket(),
                                System.currentTimeMillis()))),
                        e -> Log.debugf("admission token for %s not ready: %s", s.userId(), e.getMessage()));
                continue;
            }
            EntryStatus status = WaitingRoom.view(place, positions.pace(), s.ticket(), now);
            Runnable write;
            if (status == null) {
                // Left in another tab, place lost, session over or room deleted: nothing more to tell.
                write = () -> s.connection().close(new CloseReason(NOT_IN_ROOM, "not in the waiting room"))
                        .subscribe().with(x -> { }, x -> { });
            } else if (!s.due(status, now, heartbeatMillis)) {
                continue; // nothing new for this fan, and a frame went out lately
            } else {
                String frame = frames.computeIfAbsent(s.userId() + '\n' + s.ticket(), k -> encode(status.sentAt(now)));
                write = () -> send(s, frame);
            }
            writes.computeIfAbsent(s.context(), c -> new ArrayList<>()).add(write);
        }
        writes.forEach((context, list) -> {
            if (context == null || context == Vertx.currentContext()) {
                list.forEach(Runnable::run);
            } else {
                context.runOnContext(v -> list.forEach(Runnable::run));
            }
        });
    }

    /** New admissions (made by this pod's round): their tokens go at once to their sockets on this pod. */
    public void admitted(String performanceId, List<WaitingRoom.Granted> granted) {
        LocalRoom local = rooms.get(performanceId);
        if (local == null) {
            return;
        }
        long now = System.currentTimeMillis();
        for (WaitingRoom.Granted g : granted) {
            Set<Socket> tabs = local.byUser.get(g.admission().userId());
            if (tabs == null) {
                continue;
            }
            for (Socket s : tabs) {
                EntryStatus status = EntryStatus.admitted(g.token(), s.ticket(), now);
                String frame = encode(status);
                if (s.context() == null) {
                    send(s, frame);
                } else {
                    s.context().runOnContext(v -> send(s, frame));
                }
            }
        }
    }

    String encode(EntryStatus status) {
        try {
            return json.writeValueAsString(status);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(Socket s, String frame) {
        if (s.connection().isOpen()) {
            s.connection().sendText(frame).subscribe().with(x -> { },
                    e -> Log.debugf("push to %s failed: %s", s.connection().id(), e.getMessage()));
        }
    }
}
