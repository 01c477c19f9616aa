package dev.ticketing.auth.login;

import io.vertx.ext.web.RoutingContext;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class LoginResource {

    private final LoginService logins;

    public LoginResource(LoginService logins) {
        this.logins = logins;
    }

    /**
     * The client address is the forwarded one when the request came through the ingress/gateway
     * (quarkus.http.proxy.*), so the per-address brake sees fans, not the proxy.
     */
    @POST
    @Path("/login")
    public TokenResponse login(@Valid @NotNull LoginRequest request, RoutingContext http) {
        return logins.login(request, http.request().remoteAddress().hostAddress());
    }

    @POST
    @Path("/refresh")
    public TokenResponse refresh(@Valid @NotNull RefreshRequest request) {
        return logins.refresh(request);
    }
}
