package dev.ticketing.queue.admission;

import dev.ticketing.queue.room.Rooms;
import dev.ticketing.queue.waitingroom.QueueMetrics;
import dev.ticketing.queue.waitingroom.WaitingRoom;
import dev.ticketing.queue.ws.WaitingRoomSockets;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every pod runs an admission round for every room on each tick. That is safe because the admit script is atomic:
 * correctness comes from Redis, not from electing one admitter.
 */
@ApplicationScoped
public class AdmissionScheduler {

    private final Rooms rooms;
    private final WaitingRoom room;
    private final QueueMetrics metrics;
    private final WaitingRoomSockets sockets;

    public AdmissionScheduler(Rooms rooms, WaitingRoom room, QueueMetrics metrics, WaitingRoomSockets sockets) {
        this.rooms = rooms;
        this.room = room;
        this.metrics = metrics;
        this.sockets = sockets;
    }

    private volatile boolean stopping;

    void onStop(@Observes ShutdownEvent event) {
        stopping = true; // the Redis client closes during shutdown: no new rounds against it
    }

    @Scheduled(every = "${queue.admit-every}", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void admitAll() {
        if (stopping) {
            return;
        }
        for (String performanceId : rooms.all()) {
            try {
                WaitingRoom.AdmitRound round = room.admit(performanceId);
                if (!round.live()) {
                    rooms.forget(performanceId);
                    metrics.roomGone(performanceId);
                    continue;
                }
                metrics.roomSizes(performanceId, round.waiting(), round.active(), round.inversions());
                if (!round.admitted().isEmpty()) {
                    // Tell the newly admitted on this pod now rather than at the next position tick.
                    sockets.push(performanceId);
                }
            } catch (RuntimeException e) {
                Log.warnf(e, "admission round failed for room %s", performanceId);
            }
        }
    }
}
