package dev.ticketing.booking.order;

import dev.ticketing.booking.admission.AdmissionVerifier;
import dev.ticketing.booking.catalog.CatalogResource;
import dev.ticketing.booking.order.OrderService.OrderView;
import dev.ticketing.booking.problem.ProblemException;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.UUID;

@Path("/api/orders")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Authenticated
public class OrderResource {

    public record OrderRequest(@NotBlank @Size(max = 64) String holdId,
                               @NotBlank @Size(max = 200) String paymentToken) {
    }

    private final OrderService orders;
    private final AdmissionVerifier admission;
    private final JsonWebToken user;

    public OrderResource(OrderService orders, AdmissionVerifier admission, JsonWebToken user) {
        this.orders = orders;
        this.admission = admission;
        this.user = user;
    }

    /** 202: the order exists and waits for its payment; poll GET /api/orders/{id} for the outcome. */
    @POST
    public Response place(@HeaderParam("X-Admission-Token") String admissionToken, @NotNull @Valid OrderRequest request) {
        UUID holdId = CatalogResource.parseId(request.holdId(), "hold");
        // The admission is checked against the hold's performance, inside the order's transaction (one round trip
        // finds and locks the hold): a refusal rolls everything back.
        OrderView order = orders.place(holdId, user.getSubject(), request.paymentToken(),
                performanceId -> admission.verify(admissionToken, user.getSubject(), performanceId));
        return Response.accepted(order).header("Location", "/api/orders/" + order.orderId()).build();
    }

    @GET
    public List<OrderView> mine() {
        return orders.mine(user.getSubject());
    }

    @GET
    @Path("/{id}")
    public OrderView get(@PathParam("id") String id) {
        return orders.find(CatalogResource.parseId(id, "order"), user.getSubject(), isAdmin())
                .orElseThrow(() -> ProblemException.notFound("order " + id));
    }

    @POST
    @Path("/{id}/cancel")
    public Response cancel(@PathParam("id") String id) {
        OrderView o = orders.cancel(CatalogResource.parseId(id, "order"), user.getSubject(), isAdmin());
        return Response.accepted(o).build();
    }

    private boolean isAdmin() {
        return user.getGroups() != null && user.getGroups().contains("admin");
    }
}
