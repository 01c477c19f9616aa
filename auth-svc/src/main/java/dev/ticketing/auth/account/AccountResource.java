package dev.ticketing.auth.account;

import dev.ticketing.auth.rest.ApiException;
import io.quarkus.security.Authenticated;
import io.vertx.ext.web.RoutingContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.net.URI;
import java.util.UUID;

@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final AccountService accounts;
    private final SignupLimit limit;
    private final JsonWebToken jwt;

    public AccountResource(AccountService accounts, SignupLimit limit, JsonWebToken jwt) {
        this.accounts = accounts;
        this.limit = limit;
        this.jwt = jwt;
    }

    /** Valid requests only spend the client's sign-up budget (a 400 costs no hash); the budget is spent before hashing. */
    @POST
    @Path("/signup")
    public Response signup(@Valid @NotNull SignupRequest request, RoutingContext http) {
        limit.spend(http.request().remoteAddress().hostAddress());
        Account account = accounts.signup(request);
        return Response.created(URI.create("/api/auth/me")).entity(AccountView.created(account)).build();
    }

    /** Verified by smallrye-jwt (signature, iss, aud, exp) before this runs. */
    @GET
    @Path("/me")
    @Authenticated
    public AccountView me() {
        UUID id;
        try {
            id = UUID.fromString(jwt.getSubject());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.unauthorized("The token does not name an account.");
        }
        return accounts.byId(id)
                .map(AccountView::of)
                .orElseThrow(() -> ApiException.unauthorized("The account of this token no longer exists."));
    }
}
