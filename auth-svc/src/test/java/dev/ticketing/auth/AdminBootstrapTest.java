package dev.ticketing.auth;

import dev.ticketing.auth.account.Account;
import dev.ticketing.auth.account.AccountService;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin bootstrap (TICKETING_ADMIN_EMAIL / _PASSWORD, run at every start) never hands the admin role to whoever
 * signed up with that email first, and a change it makes ends the account's existing sessions.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
@WithTestResource(RetiredSigningKeyResource.class)
class AdminBootstrapTest {

    @Inject
    AccountService accounts;

    private List<String> roles(String email) {
        return List.of(accounts.byEmail(Account.normalizeEmail(email)).orElseThrow().roles);
    }

    @Test
    void anAccountSquattingTheAdminEmailIsNeverPromotedWithoutOptIn() {
        String email = Fans.signedUpFan();
        String squatterSession = Fans.login(email, Fans.PASSWORD).path("refreshToken");

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> accounts.ensureAdmin(email, "operator-secret-1", "Administrator", false));
        assertTrue(refused.getMessage().contains("TICKETING_ADMIN_PROMOTE_EXISTING"), refused.getMessage());
        assertEquals(List.of("user"), roles(email));
        Fans.login(email, Fans.PASSWORD).then().statusCode(200); // nothing about the account changed
        Fans.refresh(squatterSession).then().statusCode(200);
    }

    @Test
    void anOptedInPromotionOrAPasswordResetRevokesTheAccountsSessions() {
        String email = Fans.signedUpFan();
        String before = Fans.login(email, Fans.PASSWORD).path("refreshToken");

        accounts.ensureAdmin(email, "operator-secret-1", "Administrator", true);
        assertEquals(List.of("user", "admin"), roles(email));
        Fans.refresh(before).then().statusCode(401);
        Fans.login(email, Fans.PASSWORD).then().statusCode(401);
        String adminSession = Fans.login(email, "operator-secret-1").path("refreshToken");

        // the same configuration again (a restart): nothing changes, the session lives on
        accounts.ensureAdmin(email, "operator-secret-1", "Administrator", false);
        String rotated = Fans.refresh(adminSession).then().statusCode(200).extract().path("refreshToken");

        // a new password in the configuration: the old sessions end, the new password works
        accounts.ensureAdmin(email, "operator-secret-2", "Administrator", false);
        Fans.refresh(rotated).then().statusCode(401);
        Fans.login(email, "operator-secret-1").then().statusCode(401);
        Fans.login(email, "operator-secret-2").then().statusCode(200);
    }

    @Test
    void aMissingAdminIsCreated() {
        String email = Fans.uniqueEmail();
        accounts.ensureAdmin(email, "operator-secret-1", "Administrator", false);
        assertEquals(List.of("user", "admin"), roles(email));
        Fans.login(email, "operator-secret-1").then().statusCode(200);
    }
}
