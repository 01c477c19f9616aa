package dev.ticketing.sandbox;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The provider's state and rules, independent of HTTP: payments by order, the ledger, the deterministic test tokens
 * and injected faults. Every state change of one order happens under that order's lock, so concurrent confirms of
 * the same order can never capture twice.
 */
final class SandboxProvider {

    static final String MID = "ticketing-sandbox";
    private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    // Toss: orderId is 6..64 characters of letters, digits, '-' and '_'.
    private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{6,64}");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Map<String, Payment> byOrder = new ConcurrentHashMap<>();
    private final Map<String, String> orderByPaymentKey = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> pendingFaults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> confirmRequests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> cancelRequests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> statusRequests = new ConcurrentHashMap<>();
    // Appended once per capture or refund, read rarely: a copy-on-write list copied the whole ledger on every append
    // (quadratic; a 30,000-payment on-sale ran the sandbox out of heap).
    private final List<LedgerEntry> ledger = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final SecureRandom random = new SecureRandom();
    private volatile Duration slowDelay;
    private volatile Duration lateDelay = DEFAULT_LATE_DELAY;
    private final java.util.concurrent.atomic.AtomicLong lateSuccesses = new java.util.concurrent.atomic.AtomicLong();
    // How many confirms a client has in flight at once (a client's concurrency, seen from the provider's side).
    private final AtomicInteger confirmsInFlight = new AtomicInteger();
    private final AtomicInteger maxConfirmsInFlight = new AtomicInteger();

    /** Longer than payment-svc's confirm timeout (8 s in prod, 1.5 s in its tests). */
    static final Duration DEFAULT_LATE_DELAY = Duration.ofSeconds(12);

    SandboxProvider(Duration slowDelay) {
        this.slowDelay = slowDelay;
    }

    /** One payment at the provider (Toss' Payment object, the fields this platform uses). */
    static final class Payment {
        final String paymentKey;
        final String orderId;
        final String requestedKey;
        final long totalAmount;
        final String requestedAt;
        String status;
        String approvedAt;
        long balanceAmount;
        String lastTransactionKey;
        Map<String, Object> failure;
        final List<Map<String, Object>> cancels = new ArrayList<>();

        Payment(String paymentKey, String orderId, String requestedKey, long totalAmount, String requestedAt) {
            this.paymentKey = paymentKey;
            this.orderId = orderId;
            this.requestedKey = requestedKey;
            this.totalAmount = totalAmount;
            this.requestedAt = requestedAt;
        }

        synchronized Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mId", MID);
            m.put("version", "2022-11-16");
            m.put("paymentKey", paymentKey);
            m.put("orderId", orderId);
            m.put("type", "NORMAL");
            m.put("method", "카드");
            m.put("status", status);
            m.put("requestedAt", requestedAt);
            m.put("approvedAt", approvedAt);
            m.put("currency", "KRW");
            m.put("totalAmount", totalAmount);
            m.put("balanceAmount", balanceAmount);
            m.put("lastTransactionKey", lastTransactionKey);
            m.put("cancels", cancels.isEmpty() ? null : List.copyOf(cancels));
            m.put("failure", failure);
            m.put("card", Map.of("number", requestedKey.replaceAll(".", "*"), "installmentPlanMonths", 0));
            return m;
        }
    }

    // ---- provider API ------------------------------------------------------------------------------------------

    Map<String, Object> confirm(String paymentKey, String orderId, Long amount) {
        return confirm(paymentKey, orderId, amount, false);
    }

    /** {@code late}: a chaos-picked late success for an approving card (as {@code tok_late}). */
    Map<String, Object> confirm(String paymentKey, String orderId, Long amount, boolean late) {
        int now = confirmsInFlight.incrementAndGet();
        maxConfirmsInFlight.accumulateAndGet(now, Math::max);
        try {
            return process(paymentKey, orderId, amount, late);
        } finally {
            confirmsInFlight.decrementAndGet();
        }
    }

    private Map<String, Object> process(String paymentKey, String orderId, Long amount, boolean late) {
        if (paymentKey == null || paymentKey.isBlank()) {
            throw ProviderError.badRequest("paymentKey is required");
        }
        if (orderId == null || !ORDER_ID.matcher(orderId).matches()) {
            throw ProviderError.badRequest("orderId must be 6 to 64 letters, digits, '-' or '_'");
        }
        if (amount == null || amount <= 0) {
            throw ProviderError.badRequest("amount must be a positive integer");
        }
        confirmRequests.computeIfAbsent(orderId, k -> new AtomicInteger()).incrementAndGet();
        injectedFault(orderId);
        TestToken token = TestToken.of(paymentKey).orElseThrow(() -> new ProviderError(403, "REJECT_CARD_PAYMENT",
                "알 수 없는 테스트 카드입니다. (unknown sandbox test token)"));
        if (token == TestToken.ERROR) {
            throw new ProviderError(500, "FAILED_INTERNAL_SYSTEM_PROCESSING",
                    "내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요.");
        }
        if (token == TestToken.LATE || (late && token == TestToken.APPROVE)) {
            // Nothing recorded, nothing answered for the late delay; then captured like tok_approve.
            lateSuccesses.incrementAndGet();
            sleep(lateDelay);
            token = TestToken.APPROVE;
        }
        Payment p;
        synchronized (lock(orderId)) {
            Payment existing = byOrder.get(orderId);
            if (existing != null && !"ABORTED".equals(existing.status)) {
                // Toss refuses a second confirm of an order that was already approved, cancelled or is in progress.
                throw new ProviderError(400, "ALREADY_PROCESSED_PAYMENT", "이미 처리된 결제 입니다.");
            }
            p = new Payment(newPaymentKey(), orderId, paymentKey, amount, now());
            byOrder.put(orderId, p);
            orderByPaymentKey.put(p.paymentKey, orderId);
            if (token == TestToken.DECLINE) {
                synchronized (p) {
                    p.status = "ABORTED";
                    p.failure = Map.of("code", "REJECT_CARD_PAYMENT",
                            "message", "한도초과 혹은 잔액부족으로 결제에 실패했습니다.");
                }
                throw new ProviderError(403, "REJECT_CARD_PAYMENT", "한도초과 혹은 잔액부족으로 결제에 실패했습니다.");
            }
            synchronized (p) {
                p.status = "IN_PROGRESS";
            }
            if (token == TestToken.APPROVE) {
                capture(p);
                return p.toJson();
            }
        }
        // tok_slow: visible as IN_PROGRESS to status queries while the card network "thinks", then approved.
        sleep(slowDelay);
        synchronized (lock(orderId)) {
            capture(p);
        }
        return p.toJson();
    }

    Map<String, Object> cancel(String paymentKey, String cancelReason, Long cancelAmount) {
        if (cancelReason == null || cancelReason.isBlank()) {
            throw ProviderError.badRequest("cancelReason is required");
        }
        String orderId = orderByPaymentKey.get(paymentKey);
        if (orderId == null) {
            throw new ProviderError(404, "NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다.");
        }
        cancelRequests.computeIfAbsent(orderId, k -> new AtomicInteger()).incrementAndGet();
        injectedFault(orderId);
        synchronized (lock(orderId)) {
            Payment p = byOrder.get(orderId);
            synchronized (p) {
                if ("CANCELED".equals(p.status)) {
                    throw new ProviderError(400, "ALREADY_CANCELED_PAYMENT", "이미 취소된 결제 입니다.");
                }
                if (!"DONE".equals(p.status)) {
                    throw new ProviderError(403, "NOT_CANCELABLE_PAYMENT", "취소 할 수 없는 결제 입니다.");
                }
                if (cancelAmount != null && cancelAmount != p.balanceAmount) {
                    throw ProviderError.badRequest("the sandbox supports full cancellation only");
                }
                String tx = randomString(32);
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("transactionKey", tx);
                c.put("cancelReason", cancelReason);
                c.put("cancelAmount", p.balanceAmount);
                c.put("canceledAt", now());
                c.put("cancelStatus", "DONE");
                p.cancels.add(c);
                appendLedger(LedgerEntry.Kind.REFUND, orderId, paymentKey, p.balanceAmount);
                p.balanceAmount = 0;
                p.status = "CANCELED";
                p.lastTransactionKey = tx;
            }
            return p.toJson();
        }
    }

    Optional<Map<String, Object>> byPaymentKey(String paymentKey) {
        return Optional.ofNullable(orderByPaymentKey.get(paymentKey)).flatMap(this::byOrderId);
    }

    Optional<Map<String, Object>> byOrderId(String orderId) {
        statusRequests.computeIfAbsent(orderId, k -> new AtomicInteger()).incrementAndGet();
        return Optional.ofNullable(byOrder.get(orderId)).map(Payment::toJson);
    }

    // ---- test controls -----------------------------------------------------------------------------------------

    void failNext(String orderId, int failures) {
        if (failures < 0) {
            throw ProviderError.badRequest("failures must be >= 0");
        }
        pendingFaults.computeIfAbsent(orderId, k -> new AtomicInteger()).set(failures);
    }

    void slowDelay(Duration delay) {
        if (delay.isNegative()) {
            throw ProviderError.badRequest("delay must be >= 0");
        }
        this.slowDelay = delay;
    }

    Duration slowDelay() {
        return slowDelay;
    }

    void lateDelay(Duration delay) {
        if (delay.isNegative()) {
            throw ProviderError.badRequest("delay must be >= 0");
        }
        this.lateDelay = delay;
    }

    Duration lateDelay() {
        return lateDelay;
    }

    long lateSuccesses() {
        return lateSuccesses.get();
    }

    int confirmsInFlight() {
        return confirmsInFlight.get();
    }

    /** The most confirms processed at the same time since the start or the last reset. */
    int maxConfirmsInFlight() {
        return maxConfirmsInFlight.get();
    }

    void resetMaxConfirmsInFlight() {
        maxConfirmsInFlight.set(confirmsInFlight.get());
    }

    /** Sequence numbers follow the ledger's order. */
    private void appendLedger(LedgerEntry.Kind kind, String orderId, String paymentKey, long amount) {
        synchronized (ledger) {
            ledger.add(new LedgerEntry(sequence.incrementAndGet(), kind, orderId, paymentKey, amount, now()));
        }
    }

    List<LedgerEntry> ledger() {
        synchronized (ledger) {
            return List.copyOf(ledger);
        }
    }

    int confirmRequests(String orderId) {
        return Optional.ofNullable(confirmRequests.get(orderId)).map(AtomicInteger::get).orElse(0);
    }

    int statusRequests(String orderId) {
        return Optional.ofNullable(statusRequests.get(orderId)).map(AtomicInteger::get).orElse(0);
    }

    int cancelRequests(String orderId) {
        return Optional.ofNullable(cancelRequests.get(orderId)).map(AtomicInteger::get).orElse(0);
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    private void capture(Payment p) {
        String tx = randomString(32);
        synchronized (p) {
            p.status = "DONE";
            p.approvedAt = now();
            p.balanceAmount = p.totalAmount;
            p.lastTransactionKey = tx;
        }
        appendLedger(LedgerEntry.Kind.CAPTURE, p.orderId, p.paymentKey, p.totalAmount);
    }

    /** An injected fault answers 500 before anything is processed, like a failing load balancer in front. */
    private void injectedFault(String orderId) {
        AtomicInteger left = pendingFaults.get(orderId);
        if (left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new ProviderError(500, "FAILED_INTERNAL_SYSTEM_PROCESSING",
                    "내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요. (injected fault)");
        }
    }

    private Object lock(String orderId) {
        return locks.computeIfAbsent(orderId, k -> new Object());
    }

    private String newPaymentKey() {
        return "sbx" + randomString(29);
    }

    private String randomString(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static String now() {
        return OffsetDateTime.now(SEOUL).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
