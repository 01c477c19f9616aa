package dev.ticketing.testsupport;

import dev.ticketing.engines.Engine;
import dev.ticketing.engines.EngineLauncher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Where a store the tests need answers: the running server on the configured host and port when one answers (CI and
 * most dev boxes), otherwise — only for a loopback address, i.e. nothing is installed here — an embedded one from
 * Maven jars shared by the whole build ({@code engines/embedded-stores}, like the Kafka broker).
 */
record StoreAddress(String host, int port, boolean embedded) {

    static StoreAddress resolve(String configuredHost, int configuredPort, Engine fallback) {
        if (answers(configuredHost, configuredPort)) {
            return new StoreAddress(configuredHost, configuredPort, false);
        }
        if (!configuredHost.equals("127.0.0.1") && !configuredHost.equals("localhost")) {
            throw new IllegalStateException(fallback.id + ": nothing answers on " + configuredHost + ":" + configuredPort);
        }
        String address = EngineLauncher.fromEnvironment().shared(fallback).address();
        int colon = address.lastIndexOf(':');
        System.out.printf("[test-support] nothing answers on %s:%d; using the build's %s on %s%n", configuredHost,
                configuredPort, fallback.id, address);
        return new StoreAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), true);
    }

    static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
