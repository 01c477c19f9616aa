package dev.ticketing.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Random provider faults for fault-injection runs ({@code PUT /sandbox/chaos}): each provider call independently
 * fails before any work ({@code errorRate}), or is processed and then answered late ({@code slowRate},
 * {@code slowMillis}) or not at all ({@code lostAnswerRate}: a 500 although the payment went through, so the
 * client's retry or status query sees the same payment a second time), or a confirm of an approving card is a late
 * success ({@code lateSuccessRate}: unanswered and invisible for the late delay, then captured). All rates 0 = a
 * well-behaved provider.
 */
final class Chaos {

    private record Settings(double errorRate, double slowRate, long slowMillis, double lostAnswerRate,
                            double lateSuccessRate) {
    }

    private volatile Settings settings = new Settings(0, 0, 0, 0, 0);
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong slow = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();

    void set(double errorRate, double slowRate, long slowMillis, double lostAnswerRate, double lateSuccessRate) {
        settings = new Settings(errorRate, slowRate, slowMillis, lostAnswerRate, lateSuccessRate);
    }

    /** A confirm of an approving card becomes a late success (see TestToken.LATE). */
    boolean lateSuccess() {
        return hit(settings.lateSuccessRate(), late);
    }

    boolean failBefore() {
        return hit(settings.errorRate(), errors);
    }

    void delayAnswer() {
        Settings s = settings;
        if (s.slowMillis() > 0 && hit(s.slowRate(), slow)) {
            try {
                Thread.sleep(s.slowMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean loseAnswer() {
        return hit(settings.lostAnswerRate(), lost);
    }

    Map<String, Object> view() {
        Settings s = settings;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errorRate", s.errorRate());
        m.put("slowRate", s.slowRate());
        m.put("slowMillis", s.slowMillis());
        m.put("lostAnswerRate", s.lostAnswerRate());
        m.put("lateSuccessRate", s.lateSuccessRate());
        m.put("injected", Map.of("errors", errors.get(), "slow", slow.get(), "lostAnswers", lost.get(),
                "lateSuccesses", late.get()));
        return m;
    }

    static IdempotencyStore.Reply internalError() {
        return new IdempotencyStore.Reply(500, Map.of("code", "FAILED_INTERNAL_SYSTEM_PROCESSING",
                "message", "내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요. (chaos)"));
    }

    private static boolean hit(double rate, AtomicLong counter) {
        if (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate) {
            counter.incrementAndGet();
            return true;
        }
        return false;
    }
}
