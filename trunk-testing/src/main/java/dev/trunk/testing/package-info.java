/**
 * Test support for Trunk services: an in-process server and channel ({@link
 * dev.trunk.testing.InProcessServer}) and a JUnit 5 extension ({@link dev.trunk.testing.LeakCheck})
 * that fails a test which leaves a call open or leaks a Netty buffer.
 */
@NullMarked
package dev.trunk.testing;

import org.jspecify.annotations.NullMarked;
