package dev.ticketing.auth.account;

import dev.ticketing.auth.rest.ApiException;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.util.Optional;
import java.util.List;
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
        String hash = hasher.hashForSignup(request.password()); // slow on purpose: keep it outside the transaction
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
     * The configured admin account exists with roles user+admin and the configured password. An existing account with
     * that email that is not admin already is never promoted silently — sign-up verifies no email, so anyone could
     * have registered it first: the start fails with a message unless the operator opts in ({@code promoteExisting}).
     * A password or role change revokes the account's refresh tokens. Safe when several pods start at once: the
     * existing row is changed under its row lock.
     */
    public void ensureAdmin(String email, String password, String name, boolean promoteExisting) {
        String normalized = Account.normalizeEmail(email);
        // Every restart after the first: the admin is there with this password — one check, no new hash (each Argon2
        // run at start costs its CPU and its memory, which the heap keeps).
        List<?> existing = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                        "select password_hash from account where email = :email and 'admin' = any(roles)")
                .setParameter("email", normalized)
                .getResultList());
        if (!existing.isEmpty() && hasher.matches(password, (String) existing.get(0))) {
            Log.infof("Admin account %s: unchanged", normalized);
            return;
        }
        String hash = hasher.hash(password);
        String outcome = QuarkusTransaction.requiringNew().call(() -> {
            int created = em.createNativeQuery("""
                            insert into account (id, email, name, password_hash, roles)
                            values (:id, :email, :name, :hash, array['user', 'admin'])
                            on conflict (email) do nothing""")
                    .setParameter("id", UUID.randomUUID())
                    .setParameter("email", normalized)
                    .setParameter("name", name)
                    .setParameter("hash", hash)
                    .executeUpdate();
            if (created == 1) {
                return "created";
            }
            Object[] row = (Object[]) em.createNativeQuery(
                            "select id, password_hash, 'admin' = any(roles) from account where email = :email for update")
                    .setParameter("email", normalized)
                    .getSingleResult();
            UUID id = (UUID) row[0];
            boolean isAdmin = (Boolean) row[2];
            if (!isAdmin && !promoteExisting) {
                throw new IllegalStateException("The admin email " + normalized + " belongs to an existing account that "
                        + "is not an admin (anyone can sign up with any email). Refusing to promote it: choose another "
                        + "TICKETING_ADMIN_EMAIL, or set TICKETING_ADMIN_PROMOTE_EXISTING=true if that account is yours.");
            }
            boolean passwordChanged = !hasher.matches(password, (String) row[1]);
            if (isAdmin && !passwordChanged) {
                return "unchanged";
            }
            em.createNativeQuery("update account set password_hash = :hash, roles = array['user', 'admin'] where id = :id")
                    .setParameter("hash", passwordChanged ? hash : (String) row[1])
                    .setParameter("id", id)
                    .executeUpdate();
            // Whoever held a session of this account before the change must log in again.
            int revoked = em.createNativeQuery("""
                            update refresh_token set revoked_at = clock_timestamp()
                             where account_id = :id and revoked_at is null""")
                    .setParameter("id", id)
                    .executeUpdate();
            return (isAdmin ? "password reset" : "promoted to admin") + ", " + revoked + " refresh tokens revoked";
        });
        Log.infof("Admin account %s: %s", normalized, outcome);
    }
}
