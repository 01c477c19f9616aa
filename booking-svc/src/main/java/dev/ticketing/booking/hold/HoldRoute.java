package dev.ticketing.booking.hold;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.booking.auth.CachingJwtParser;
import dev.ticketing.booking.hold.HoldResource.HoldRequest;
import dev.ticketing.booking.hold.HoldService.Gated;
import dev.ticketing.booking.hold.Showtimes.Showtime;
import dev.ticketing.booking.problem.Problem;
import dev.ticketing.booking.problem.ProblemMappers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.UUID;

/**
 * The sold-out minute's one hot request — "hold these seats" for seats someone already has — answered on the event loop
 * before RESTEasy: no request context, no resource method, no Bean Validation, one Redis script. JFR put a third of a
 * refusal's CPU in that machinery (docs/benchmarks.md, P4a).
 *
 * <p>It takes only the plain case and hands everything else, unchanged, to {@link HoldResource} with {@code next()}:
 * an access token this pod has not verified before (the resource verifies it, and caches it), a body that is not a
 * well-formed list of seat ids, a showtime not cached, no admission token, a Redis failure. So every error keeps the
 * resource's exact answer, and a token is never verified on the event loop. When the gate lets the attempt through,
 * its answer travels with the request and the resource does not ask it again. The answers are the resource's: 409
 * problem+json naming the taken seats, nothing the public seat map does not show.
 */
@ApplicationScoped
public class HoldRoute {

    static final String PATH = "/api/showtimes/:showtimeId/holds";
    private static final String GATED = HoldRoute.class.getName() + ".gated";
    private static final String UNTOUCHED = HoldRoute.class.getName() + ".untouched";

    private final HoldService holds;
    private final Showtimes showtimes;
    private final CachingJwtParser accessTokens;
    private final ObjectMapper json;
    private final long maxBody;
    private final Counter answered;
    private final Counter passed;

    public HoldRoute(HoldService holds, Showtimes showtimes, JWTParser accessTokens, ObjectMapper json,
                     @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBody,
                     MeterRegistry metrics) {
        this.holds = holds;
        this.showtimes = showtimes;
        // Without the verified-token cache (a test's own parser) there is nothing to answer from: every request passes.
        this.accessTokens = ClientProxy.unwrap(accessTokens) instanceof CachingJwtParser caching ? caching : null;
        this.json = json;
        this.maxBody = maxBody.asLongValue();
        this.answered = metrics.counter("booking.hold.route", "result", "answered");
        this.passed = metrics.counter("booking.hold.route", "result", "passed");
    }

    void install(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBody);
        router.post(PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT)
                .handler(ctx -> {
                    // RESTEasy pauses the request it is given, which HTTP/2 refuses once the body is read, and answers
                    // "100-continue" itself: those requests go to it untouched.
                    // A request without a body too: the body handler leaves none, and RESTEasy would wait for one
                    // that already ended (found by the fuzzer: an empty POST got no answer).
                    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                    boolean noBody = ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) == null
                            && (length == null || length.strip().equals("0"));
                    if (ctx.request().version() != HttpVersion.HTTP_1_1 || ctx.request().getHeader(HttpHeaders.EXPECT) != null
                            || noBody) {
                        ctx.put(UNTOUCHED, Boolean.TRUE);
                        ctx.next();
                    } else {
                        body.handle(ctx);
                    }
                })
                .handler(this::handle);
    }

    /** The gate's answer this route already got for the request, or null. */
    static Gated gated(RoutingContext routing) {
        return routing == null ? null : routing.get(GATED);
    }

    private void handle(RoutingContext ctx) {
        if (ctx.get(UNTOUCHED) != null) {
            pass(ctx);
            return;
        }
        Attempt attempt = plainCase(ctx);
        if (attempt == null) {
            pass(ctx);
            return;
        }
        Uni<Gated> answer;
        try {
            answer = holds.gate(attempt.showtime(), attempt.userId(), attempt.admissionToken(), attempt.seatIds());
        } catch (RuntimeException e) { // malformed seat ids, no admission token: the resource says which
            pass(ctx);
            return;
        }
        Context origin = Vertx.currentContext();
        answer.subscribe().with(
                gated -> onOrigin(origin, () -> answer(ctx, gated)),
                failure -> onOrigin(origin, () -> pass(ctx))); // e.g. Redis down: the resource's 503
    }

    private void answer(RoutingContext ctx, Gated gated) {
        SeatsTakenException refused = holds.refusal(gated);
        if (refused == null) {
            ctx.put(GATED, gated);
            pass(ctx);
            return;
        }
        Buffer body;
        try {
            body = Buffer.buffer(json.writeValueAsBytes(ProblemMappers.problemOf(refused)));
        } catch (Exception e) {
            ctx.fail(e);
            return;
        }
        answered.increment();
        ctx.response().setStatusCode(refused.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body);
    }

    private void pass(RoutingContext ctx) {
        passed.increment();
        if (ctx.get(UNTOUCHED) == null && ctx.body().buffer() == null) {
            // The body was read here: RESTEasy must find it (an empty one), not wait for the ended request.
            ((io.vertx.ext.web.impl.RoutingContextInternal) ctx).setBody(Buffer.buffer());
        }
        ctx.next();
    }

    private record Attempt(Showtime showtime, String userId, String admissionToken, List<String> seatIds) {
    }

    /** The request as the crowd sends it, or null for anything the resource should see. */
    private Attempt plainCase(RoutingContext ctx) {
        if (accessTokens == null || ctx.body() == null || ctx.body().buffer() == null) {
            return null;
        }
        String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
        if (contentType == null || !contentType.startsWith("application/json")
                || (accept != null && !accept.contains("json") && !accept.contains("*/*"))) {
            return null;
        }
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        JsonWebToken user = accessTokens.verifiedBefore(authorization.substring(7).strip());
        String admissionToken = ctx.request().getHeader("X-Admission-Token");
        if (user == null || user.getSubject() == null || admissionToken == null || admissionToken.isBlank()) {
            return null;
        }
        Showtime showtime;
        try {
            showtime = showtimes.cached(UUID.fromString(ctx.pathParam("showtimeId")));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (showtime == null) {
            return null;
        }
        HoldRequest request;
        try {
            request = json.readValue(ctx.body().buffer().getBytes(), HoldRequest.class);
        } catch (Exception e) {
            return null;
        }
        // HoldRequest's constraints for the one shape handled here; anything else gets Bean Validation's answer.
        List<String> seatIds = request == null ? null : request.seatIds();
        if (seatIds == null || request.count() != null || request.section() != null || seatIds.isEmpty()
                || seatIds.size() > 20 || seatIds.contains(null)) {
            return null;
        }
        return new Attempt(showtime, user.getSubject(), admissionToken, seatIds);
    }

    private static void onOrigin(Context origin, Runnable step) {
        if (origin == null || Vertx.currentContext() == origin) {
            step.run();
        } else {
            origin.runOnContext(v -> step.run());
        }
    }
}
