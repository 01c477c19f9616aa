package dev.ticketing.payment.messaging;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;

import java.util.stream.StreamSupport;

/**
 * {@code ticketing_messaging_channel_alive{channel}}: 1 while an incoming channel consumes, 0 once it has failed
 * (the same verdict liveness gives). The chart alerts on 0; Kubernetes restarts the pod on the failed liveness.
 */
@Startup
@ApplicationScoped
public class ChannelMetrics {

    public ChannelMetrics(HealthCenter health, MeterRegistry registry, Config config) {
        StreamSupport.stream(config.getPropertyNames().spliterator(), false)
                .filter(n -> n.startsWith("mp.messaging.incoming.") && n.endsWith(".connector"))
                .map(n -> n.substring("mp.messaging.incoming.".length(), n.length() - ".connector".length()))
                .distinct()
                .forEach(channel -> Gauge.builder("ticketing.messaging.channel.alive", health,
                                h -> h.getLiveness().getChannels().stream()
                                        .filter(c -> c.getChannel().equals(channel))
                                        .allMatch(c -> c.isOk()) ? 1 : 0)
                        .tag("channel", channel)
                        .description("1 while the incoming channel consumes, 0 after it failed")
                        .register(registry));
    }
}
