package dev.trunk.internal.server;

import dev.trunk.Deadline;
import dev.trunk.Metadata;
import org.jspecify.annotations.Nullable;

/** What the request headers of a server call said, already validated by the transport. */
public record RequestHead(
    Metadata metadata,
    @Nullable Deadline deadline,
    String authority,
    String encoding,
    boolean acceptsGzip) {}
