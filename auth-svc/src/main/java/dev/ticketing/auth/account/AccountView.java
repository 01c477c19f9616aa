package dev.ticketing.auth.account;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.Set;

/**
 * What sign-up answers (roles omitted) and what /me answers. Registered for reflection: sign-up returns it inside a
 * Response (201 + Location), which no endpoint signature names (native images).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccountView(String id, String email, String name, Set<String> roles) {

    static AccountView created(Account a) {
        return new AccountView(a.id.toString(), a.email, a.name, null);
    }

    static AccountView of(Account a) {
        return new AccountView(a.id.toString(), a.email, a.name, a.roleSet());
    }
}
