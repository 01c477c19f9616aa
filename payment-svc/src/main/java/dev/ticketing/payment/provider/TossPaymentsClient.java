package dev.ticketing.payment.provider;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;

/**
 * Toss Payments core API v1 (base URL {@code quarkus.rest-client.toss-payments.url}: the real
 * {@code https://api.tosspayments.com} with a test key, or the sandbox). Use through {@link TossPaymentsGateway},
 * which adds timeouts, retries and the circuit breaker. Non-blocking: a call holds no thread while the provider
 * thinks; the answer (or the mapped exception) arrives on a Vert.x event loop.
 */
@RegisterRestClient(configKey = "toss-payments")
@Path("/v1/payments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface TossPaymentsClient {

    @POST
    @Path("/confirm")
    Uni<TossPayment> confirm(@HeaderParam("Authorization") String authorization,
                             @HeaderParam("Idempotency-Key") String idempotencyKey, ConfirmRequest request);

    @GET
    @Path("/orders/{orderId}")
    Uni<TossPayment> byOrderId(@HeaderParam("Authorization") String authorization,
                               @PathParam("orderId") String orderId);

    @GET
    @Path("/{paymentKey}")
    Uni<TossPayment> byPaymentKey(@HeaderParam("Authorization") String authorization,
                                  @PathParam("paymentKey") String paymentKey);

    @POST
    @Path("/{paymentKey}/cancel")
    Uni<TossPayment> cancel(@HeaderParam("Authorization") String authorization,
                            @HeaderParam("Idempotency-Key") String idempotencyKey,
                            @PathParam("paymentKey") String paymentKey, CancelRequest request);

    /** 5xx, 429 and "same key still processing" leave the outcome open; any other 4xx is the provider's answer. */
    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        int status = response.getStatus();
        TossError error;
        try {
            error = response.readEntity(TossError.class);
        } catch (RuntimeException notJson) {
            error = null;
        }
        String code = error != null && error.code() != null ? error.code() : "HTTP_" + status;
        String message = error != null && error.message() != null ? error.message()
                : response.getStatusInfo().getReasonPhrase();
        if (status >= 500 || status == 429 || "IDEMPOTENT_REQUEST_PROCESSING".equals(code)) {
            return new ProviderUnavailableException(status + " " + code + ": " + message, null,
                    "IDEMPOTENT_REQUEST_PROCESSING".equals(code));
        }
        return new ProviderRejectedException(status, code, message);
    }
}
