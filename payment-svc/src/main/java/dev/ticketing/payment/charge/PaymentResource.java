package dev.ticketing.payment.charge;

import io.quarkus.security.Authenticated;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

@Path("/api/payments")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class PaymentResource {

    private final JsonWebToken jwt;
    private final SecurityIdentity identity;

    public PaymentResource(JsonWebToken jwt, SecurityIdentity identity) {
        this.jwt = jwt;
        this.identity = identity;
    }

    /** The payment of an order, for the user who placed the order or an admin. */
    @GET
    @Path("/{orderId}")
    public PaymentView byOrder(@PathParam("orderId")
                               @Pattern(regexp = "[A-Za-z0-9_-]{1,64}",
                                       message = "must be 1 to 64 letters, digits, '-' or '_'") String orderId) {
        Payment p = Payment.findByOrderId(orderId)
                .orElseThrow(() -> new NotFoundException("no payment for order " + orderId));
        if (!identity.hasRole("admin") && !p.userId.equals(jwt.getSubject())) {
            throw new ForbiddenException("this payment belongs to another user");
        }
        return PaymentView.of(p);
    }
}
