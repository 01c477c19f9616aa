package dev.ticketing.auth.account;

import dev.ticketing.auth.config.AuthConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Creates the operator's admin account from TICKETING_ADMIN_EMAIL / TICKETING_ADMIN_PASSWORD at start. */
@ApplicationScoped
public class AdminBootstrap {

    void onStart(@Observes StartupEvent event, AuthConfig config, AccountService accounts) {
        AuthConfig.Admin admin = config.admin();
        if (admin.email().isEmpty() || admin.password().isEmpty()) {
            Log.info("No admin bootstrap: TICKETING_ADMIN_EMAIL / TICKETING_ADMIN_PASSWORD not both set");
            return;
        }
        if (admin.password().get().length() < 8) {
            throw new IllegalStateException("TICKETING_ADMIN_PASSWORD must have at least 8 characters");
        }
        accounts.ensureAdmin(admin.email().get(), admin.password().get(), admin.name(), admin.promoteExisting());
    }
}
