package dev.ticketing.auth.account;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.ticketing.auth.config.AuthConfig;
import dev.ticketing.auth.rest.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Argon2id password hashes in the PHC string format ($argon2id$v=19$m=..,t=..,p=..$salt$hash). */
@ApplicationScoped
public class PasswordHasher {

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final ApiException BUSY = new ApiException(503, "Service Unavailable",
            "Too many sign-ins at this moment; please try again in a few seconds.", Map.of("Retry-After", "2"));

    private final Argon2Function argon2;
    /**
     * Each Argon2 run holds memoryKib of RAM and a core; a login spike would otherwise run one per worker thread.
     * Extra requests wait their turn instead of exhausting memory.
     */
    private final Semaphore slots;
    /** Sign-ups may hold only their share of the slots: a sign-up flood from many addresses leaves room for logins. */
    private final Semaphore signupSlots;
    private final long maxWaitNanos;

    public PasswordHasher(AuthConfig config) {
        AuthConfig.Password p = config.password();
        this.argon2 = Argon2Function.getInstance(p.memoryKib(), p.iterations(), p.parallelism(), HASH_BYTES, Argon2.ID);
        int concurrent = p.maxConcurrent().orElse(2 * Runtime.getRuntime().availableProcessors());
        this.slots = new Semaphore(concurrent, true);
        this.signupSlots = new Semaphore(Math.max(1, (int) Math.floor(concurrent * config.signup().hashingShare())), true);
        this.maxWaitNanos = p.maxWait().toNanos();
    }

    public String hash(String password) {
        return limited(slots, () -> Password.hash(password).addRandomSalt(SALT_BYTES).with(argon2).getResult());
    }

    /** A new account's hash: first a slot of the sign-up share, then a hashing slot (each within the wait bound). */
    public String hashForSignup(String password) {
        return limited(signupSlots, () -> hash(password));
    }

    /** Parameters come from the stored hash, so hashes made under an older cost setting still verify. */
    public boolean matches(String password, String storedHash) {
        return limited(slots, () -> {
            try {
                return Password.check(password, storedHash).with(Argon2Function.getInstanceFromHash(storedHash));
            } catch (RuntimeException malformedHash) {
                return false;
            }
        });
    }

    private <T> T limited(Semaphore slots, Supplier<T> work) {
        try {
            if (!slots.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
                throw BUSY;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BUSY;
        }
        try {
            return work.get();
        } finally {
            slots.release();
        }
    }

    /**
     * Burns the same work as {@link #matches} for an unknown account — one Argon2 run with the current parameters, in
     * a hashing slot — so a miss costs the same time as a wrong password; always false. Hashing the given password
     * with a fresh salt is that run: no decoy hash is made at start (nothing the first request does not need).
     */
    public boolean decoyCheck(String password) {
        limited(slots, () -> Password.hash(password).addRandomSalt(SALT_BYTES).with(argon2).getResult());
        return false;
    }
}
