/** The payment provider sandbox (see the payment-svc issue). */
package dev.ticketing.sandbox;
