package dev.ticketing.auth.account;

import dev.ticketing.auth.rest.ApiException;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class AccountService {

    private final EntityManager em;
    private final PasswordHasher hasher;

    public AccountService(EntityManager em, PasswordHasher hasher) {
        this.em = em;
        this.hasher = hasher;
    }

    /** Creates an account with role {@code user}; 409 when the (normalized) email is taken. */
    public Account signup(SignupRequest request) {
        String email = Account.normalizeEmail(request.email());
        String hash = hasher.hash(request.password()); // slow on purpose: keep it outside the transaction
        UUID id = UUID.randomUUID();
        // "One account per email" is the unique index: concurrent sign-ups race inside PostgreSQL, exactly one
        // insert wins and the others see 0 rows, no read-then-write window in Java.
        int inserted = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("""
                        insert into account (id, email, name, password_hash, roles)
                        values (:id, :email, :name, :hash, array['user'])
                        on conflict (email) do nothing""")
                .setParameter("id", id)
                .setParameter("email", email)
                .setParameter("name", request.name().strip())
                .setParameter("hash", hash)
                .executeUpdate());
        if (inserted == 0) {
            throw ApiException.conflict("An account with this email already exists.");
        }
        return QuarkusTransaction.requiringNew().call(() -> Account.<Account>findById(id));
    }

    public Optional<Account> byEmail(String normalizedEmail) {
        return QuarkusTransaction.joiningExisting().call(() -> Account.findByEmail(normalizedEmail));
    }

    public Optional<Account> byId(UUID id) {
        return QuarkusTransaction.joiningExisting().call(() -> Account.<Account>findByIdOptional(id));
    }

    /**
     * The configured admin account exists with roles user+admin and the configured password. Safe when several
     * pods start at once: a single upsert, the environment is the source of truth.
     */
    public void ensureAdmin(String email, String password, String name) {
        String normalized = Account.normalizeEmail(email);
        String hash = hasher.hash(password);
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                        insert into account (id, email, name, password_hash, roles)
                        values (:id, :email, :name, :hash, array['user', 'admin'])
                        on conflict (email) do update
                           set password_hash = excluded.password_hash, roles = array['user', 'admin']""")
                .setParameter("id", UUID.randomUUID())
                .setParameter("email", normalized)
                .setParameter("name", name)
                .setParameter("hash", hash)
                .executeUpdate());
        Log.infof("Admin account %s is in place", normalized);
    }
}
