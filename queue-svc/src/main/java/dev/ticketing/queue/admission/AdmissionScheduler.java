package dev.ticketing.queue.admission;

import dev.ticketing.queue.config.QueueConfig;
import dev.ticketing.queue.room.Rooms;
import dev.ticketing.queue.waitingroom.QueueMetrics;
import dev.ticketing.queue.waitingroom.WaitingRoom;
import dev.ticketing.queue.ws.WaitingRoomSockets;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every pod runs an admission round for every room on each tick: reaping expired sessions and lost waiters, admitting
 * from the head, signing the new admissions' tokens. Fans' requests never do any of this (constant-work enter). Every
 * pod doing it is safe because the admit script is atomic: correctness comes from Redis, not from electing one
 * admitter. A Vert.x timer rather than {@code @Scheduled}: the round is non-blocking and may run several times a
 * second; a round still running when the next tick comes is not overlapped.
 */
@ApplicationScoped
public class AdmissionScheduler {

    private final Rooms rooms;
    private final WaitingRoom room;
    private final QueueMetrics metrics;
    private final WaitingRoomSockets sockets;
    private final Vertx vertx;
    private final long periodMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopping;
    private long timer = -1;

    public AdmissionScheduler(Rooms rooms, WaitingRoom room, QueueMetrics metrics, WaitingRoomSockets sockets,
                              Vertx vertx, QueueConfig config) {
        this.rooms = rooms;
        this.room = room;
        this.metrics = metrics;
        this.sockets = sockets;
        this.vertx = vertx;
        this.periodMillis = Math.max(10, config.admitEvery().toMillis());
    }

    void onStart(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(1000, periodMillis, id -> admitAll());
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true; // the Redis client closes during shutdown: no new rounds against it
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    void admitAll() {
        if (stopping || !running.compareAndSet(false, true)) {
            return;
        }
        rooms.allAsync()
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(id -> room.admit(id)
                        .invoke(round -> applied(id, round))
                        .onFailure().invoke(e -> Log.warnf("admission round failed for room %s: %s", id, e.toString()))
                        .onFailure().recoverWithNull())
                .collect().last()
                .subscribe().with(x -> running.set(false), e -> {
                    running.set(false);
                    Log.warnf("admission rounds not run: %s", e.toString());
                });
    }

    private void applied(String performanceId, WaitingRoom.AdmitRound round) {
        if (!round.live()) {
            rooms.forgetAsync(performanceId).subscribe().with(x -> { }, e -> { });
            metrics.roomGone(performanceId);
            return;
        }
        metrics.roomSizes(performanceId, round.waiting(), round.active(), round.prequeued(), round.inversions());
        if (!round.admitted().isEmpty()) {
            // Tell the newly admitted on this pod now, and only them; the others hear at their next slice.
            sockets.admitted(performanceId, round.admitted());
        }
    }
}
