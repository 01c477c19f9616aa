package dev.ticketing.auth.account;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** A fan or an admin. Rows are inserted with one SQL statement (see {@link AccountService}), read through here. */
@Entity
@Table(name = "account")
public class Account extends PanacheEntityBase {

    public static final String ROLE_USER = "user";
    public static final String ROLE_ADMIN = "admin";

    @Id
    public UUID id;

    public String email;

    public String name;

    @Column(name = "password_hash")
    public String passwordHash;

    public String[] roles;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    public static Optional<Account> findByEmail(String normalizedEmail) {
        return find("email", normalizedEmail).firstResultOptional();
    }

    public Set<String> roleSet() {
        return new TreeSet<>(Arrays.asList(roles));
    }

    /** One spelling per mailbox: "  Fan@Example.COM " and "fan@example.com" are the same account. */
    public static String normalizeEmail(String email) {
        return email == null ? null : email.strip().toLowerCase(Locale.ROOT);
    }
}
