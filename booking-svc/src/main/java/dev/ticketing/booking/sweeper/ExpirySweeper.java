package dev.ticketing.booking.sweeper;

import dev.ticketing.booking.order.OrderService;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Puts lapsed holds and unpaid orders back on sale. Runs on every pod; rows are claimed with SKIP LOCKED and moved
 * by conditional updates, so pods never release the same hold twice or fight over it.
 */
@ApplicationScoped
public class ExpirySweeper {
    private static final int BATCH = 500;

    private final OrderService orders;

    public ExpirySweeper(OrderService orders) {
        this.orders = orders;
    }

    @Scheduled(every = "${booking.sweep-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            while (orders.expireOverdueHolds(BATCH) == BATCH) {
                // drain
            }
            while (orders.expireOverdueOrders(BATCH) == BATCH) {
                // drain
            }
        } catch (RuntimeException e) {
            Log.warnf("expiry sweep failed, retrying next tick: %s", e.getMessage());
        }
    }
}
